namespace Shop.Tests.Infrastructure;

/// <summary>The minute a shared limit counts in: the count starts afresh at the start of each minute of the clock.</summary>
public static class LimitWindow
{
    /// <summary>Waits, when the current minute is near its end, for the next one, so that a test's attempts all fall in one.</summary>
    public static async Task StartWellInsideAsync()
    {
        var now = DateTimeOffset.UtcNow;
        if (now.Second >= 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond), TestContext.Current.CancellationToken);
        }
    }
}
