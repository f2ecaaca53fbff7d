using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Model;
using Shop.ServiceDefaults;

namespace Shop.OrderService.Ordering;

/// <summary>
/// Brings orders that placement left half done to a state the products service agrees with, at startup
/// and then periodically: a Pending order whose stock is held is confirmed, one whose stock is not held
/// is undone, and a Failed order's stock is released before it is removed. It also forgets expired
/// idempotency keys.
/// </summary>
public sealed class OrderRecovery(
    IServiceScopeFactory scopes, IOptions<OrderingOptions> options, OrderMetrics metrics, TimeProvider clock, ILogger<OrderRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RecoverAsync(
                    scope.ServiceProvider.GetRequiredService<OrdersDbContext>(),
                    scope.ServiceProvider.GetRequiredService<ProductsClient>(),
                    stoppingToken);
            }
            catch (DependencyUnavailableException exception)
            {
                logger.LogWarning("Order recovery waits for the {Dependency} service", exception.Dependency);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Order recovery failed; it tries again in {RecoveryInterval}", options.Value.RecoveryInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RecoverAsync(OrdersDbContext db, ProductsClient products, CancellationToken cancellationToken)
    {
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
            switch (order.Status)
            {
                case OrderStatus.Pending when await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.Pending, OrderStatus.Recovering, cancellationToken):
                case OrderStatus.Recovering:
                    await FinishOrUndoAsync(db, products, order.Id, cancellationToken);
                    break;
                case OrderStatus.Failed:
                    await products.ReleaseAsync(order.Id, cancellationToken);
                    await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Failed).ExecuteDeleteAsync(cancellationToken);
                    logger.LogWarning("Undid failed order {OrderId}: its stock is released", order.Id);
                    break;
                case OrderStatus.Cancelling:
                    await products.ReleaseAsync(order.Id, cancellationToken);
                    if (await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.Cancelling, OrderStatus.Cancelled, cancellationToken))
                    {
                        metrics.Cancelled();
                    }

                    logger.LogWarning("Finished cancelling order {OrderId}", order.Id);
                    break;
            }
        }

        var expiredKeys = await db.IdempotencyRecords
            .Where(r => r.CreatedAt < now - options.Value.IdempotencyKeyRetention)
            .ExecuteDeleteAsync(cancellationToken);
        if (expiredKeys > 0)
        {
            logger.LogInformation("Forgot {Count} expired idempotency keys", expiredKeys);
        }
    }

    /// <summary>Confirms a recovered order whose stock is still held; undoes one whose stock is not.</summary>
    private async Task FinishOrUndoAsync(OrdersDbContext db, ProductsClient products, int orderId, CancellationToken cancellationToken)
    {
        var reservation = await products.GetReservationAsync(orderId, cancellationToken);
        if (reservation is { Status: "Held" or "Confirmed" }
            && await products.ConfirmAsync(orderId, cancellationToken) is ReservationOutcome.Kept)
        {
            if (await OrderTransitions.MoveAsync(db, orderId, OrderStatus.Recovering, OrderStatus.Confirmed, cancellationToken))
            {
                metrics.Recovered("confirmed");
            }

            logger.LogWarning("Recovered order {OrderId}: its stock was held, so it is confirmed", orderId);
            return;
        }

        await OrderTransitions.MoveAsync(db, orderId, OrderStatus.Recovering, OrderStatus.Failed, cancellationToken);
        await products.ReleaseAsync(orderId, cancellationToken);
        if (await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Failed).ExecuteDeleteAsync(cancellationToken) == 1)
        {
            metrics.Recovered("undone");
        }

        logger.LogWarning("Undid order {OrderId}: it was left pending without its stock held", orderId);
    }
}
