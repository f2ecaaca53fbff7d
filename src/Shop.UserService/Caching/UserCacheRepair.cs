using Shop.Data.Work;

namespace Shop.UserService.Caching;

/// <summary>Every second, sends the invalidations the cache missed again, so that they reach it soon after it is back.</summary>
public sealed class UserCacheRepair(IServiceScopeFactory scopes, ILogger<UserCacheRepair> logger) : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<CacheInvalidations>().SendPendingAsync(cancellationToken);
}
