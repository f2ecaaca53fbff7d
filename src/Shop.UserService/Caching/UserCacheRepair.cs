namespace Shop.UserService.Caching;

/// <summary>Every second, sends the invalidations the cache missed again, so that they reach it soon after it is back.</summary>
public sealed class UserCacheRepair(UserCache cache) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await cache.RetryPendingInvalidationsAsync();
        }
    }
}
