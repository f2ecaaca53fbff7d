namespace Shop.Events;

/// <summary>The wait before another attempt: one second after the first failure, doubling after each, up to a cap.</summary>
internal static class Backoff
{
    public static TimeSpan After(int failures, TimeSpan cap)
    {
        var seconds = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, cap.TotalSeconds));
    }
}
