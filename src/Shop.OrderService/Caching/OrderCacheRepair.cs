using Shop.Data.Work;

namespace Shop.OrderService.Caching;

/// <summary>Every second, sends the cache the marks of changed orders that it did not take (<see cref="OrderCache"/>).</summary>
public sealed class OrderCacheRepair(IServiceScopeFactory scopes, ILogger<OrderCacheRepair> logger) : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    // The marks it sends are this replica's own, in its memory.
    protected override bool EveryReplica => true;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<OrderCache>().SendUnsentMarksAsync();
}
