namespace Shop.Tests.Infrastructure;

/// <summary>Waits for a condition the system reaches by itself (a recovery, a sweep, a reconnect), never for a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most <paramref name="within"/> (a minute), then asserts that it does.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultLimit);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, because);
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it answers a value, for at most <paramref name="within"/> (a minute), and answers that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, string because, TimeSpan? within = null) where T : class
    {
        var deadline = DateTime.UtcNow + (within ?? DefaultLimit);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, because);
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }
}
