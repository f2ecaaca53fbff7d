namespace Shop.Tests.Infrastructure;

/// <summary>
/// The minute a limit counts in, for the tests whose services run in processes of their own, where a fake clock cannot
/// reach: a shared count starts afresh at each minute of the clock, and a replica counting alone a minute after its
/// first request. An attempt that began and ended in one minute of the clock fell in one window of either kind.
/// </summary>
public static class LimitWindow
{
    private const int Attempts = 3;

    /// <summary>
    /// Runs <paramref name="attempt"/> (which must set up its own person, so that no count carries over) until one runs
    /// within one minute of the clock, and answers what it saw; an attempt that crossed into the next minute proves
    /// nothing either way, so it is run again rather than judged.
    /// </summary>
    public static async Task<T> WithinOneMinuteAsync<T>(Func<Task<T>> attempt)
    {
        for (var tried = 1; ; tried++)
        {
            var started = Minute(DateTimeOffset.UtcNow);
            var seen = await attempt();
            if (Minute(DateTimeOffset.UtcNow) == started)
            {
                return seen;
            }

            Assert.True(tried < Attempts, $"Each of {Attempts} attempts ran into the next minute of the clock, so none fell in one window.");
        }
    }

    private static long Minute(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;
}
