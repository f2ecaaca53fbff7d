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
    IServiceScopeFactory scopes, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<OrderRecovery> logger) : BackgroundService
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
            .Where(o => o.Status == OrderStatus.Failed || (o.Status == OrderStatus.Pending && o.CreatedAt < pendingBefore))
            .ToListAsync(cancellationToken);

        foreach (var order in stranded)
        {
            var reservation = order.Status == OrderStatus.Pending ? await products.GetReservationAsync(order.Id, cancellationToken) : null;
            if (reservation is { Status: "Held" or "Confirmed" }
                && await products.ConfirmAsync(order.Id, cancellationToken) is ReservationOutcome.Held)
            {
                order.Status = OrderStatus.Confirmed;
                logger.LogWarning("Recovered order {OrderId}: its stock was held, so it is confirmed", order.Id);
            }
            else
            {
                await products.ReleaseAsync(order.Id, cancellationToken);
                db.Orders.Remove(order);
                logger.LogWarning("Undid order {OrderId}: it was {Status} without its stock held", order.Id, order.Status);
            }

            await db.SaveChangesAsync(cancellationToken);
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
