using Microsoft.Extensions.Options;
using Shop.Data.Work;

namespace Shop.OrderService.Ordering;

/// <summary>
/// At startup and every <c>Ordering:RecoveryInterval</c>, hands the orders that placement or cancellation left half
/// done to <see cref="OrderLifecycle.RecoverAsync"/>: Pending for longer than <c>Ordering:PendingTimeout</c>, Recovering,
/// Failed or Cancelling. It also forgets expired idempotency keys.
/// </summary>
public sealed class OrderRecovery(
    IServiceScopeFactory scopes, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<OrderRecovery> logger)
    : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval => options.Value.RecoveryInterval;

    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<OrdersDbContext>();
        var lifecycle = services.GetRequiredService<OrderLifecycle>();
        var now = clock.GetUtcNow().UtcDateTime;
        var pendingBefore = now - options.Value.PendingTimeout;
        var stranded = await db.Orders
            .Where(o => o.Status == OrderStatus.Recovering || o.Status == OrderStatus.Failed || o.Status == OrderStatus.Cancelling
                || (o.Status == OrderStatus.Pending && o.CreatedAt < pendingBefore))
            .Select(o => new { o.Id, o.Status })
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        foreach (var order in stranded)
        {
            await lifecycle.RecoverAsync(order.Id, order.Status, cancellationToken);
        }

        var expiredKeys = await db.IdempotencyRecords
            .Where(r => r.CreatedAt < now - options.Value.IdempotencyKeyRetention)
            .ExecuteDeleteAsync(cancellationToken);
        if (expiredKeys > 0)
        {
            logger.LogInformation("Forgot {Count} expired idempotency keys", expiredKeys);
        }
    }
}
