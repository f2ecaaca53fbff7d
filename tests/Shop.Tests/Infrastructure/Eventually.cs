using Xunit.Sdk;

namespace Shop.Tests.Infrastructure;

/// <summary>Waits for a condition the system reaches by itself (a recovery, a sweep, a reconnect), never for a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, for at most <paramref name="within"/> (a minute), then asserts
    /// that it does. A condition that throws has not held yet: it is asked again until the deadline.
    /// </summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? within = null) =>
        ReturnsAsync(async () => await condition() ? because : null, because, within);

    /// <summary>
    /// Asserts that <paramref name="condition"/> holds at every poll for <paramref name="during"/>: for what must not
    /// happen again (a second recovery of one order, say), watched over a span in which it would have.
    /// </summary>
    public static async Task HoldsThroughoutAsync(Func<Task<bool>> condition, string because, TimeSpan during)
    {
        var end = DateTime.UtcNow + during;
        do
        {
            Assert.True(await condition(), because);
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < end);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it answers a value, for at most <paramref name="within"/> (a minute), and
    /// answers that value. A probe that throws has answered nothing yet: it is asked again until the deadline, and the
    /// failure then reports the last exception.
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, string because, TimeSpan? within = null) where T : class
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultLimit);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception exception) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = exception;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw last is null
                    ? new XunitException(because)
                    : new XunitException($"{because} The last attempt threw {last.GetType().Name}: {last.Message}", last);
            }

            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }
}
