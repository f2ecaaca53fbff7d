using Shop.Caching.Redis;
using Shop.Events;
using Shop.Events.Inbox;

namespace Shop.OrderService.Ordering;

/// <summary>
/// What the orders service does when a user is deleted (<see cref="UserDeleted"/>): it cancels their open orders, whose
/// stock the products service then gets back through their <see cref="OrderCancelled"/> events, and it erases the
/// person from every order they placed. The orders keep their lines and totals, for the shop's books, but no longer
/// say whose they were: their customer becomes <see cref="Order.ErasedCustomer"/>. Their idempotency keys, which carry
/// the person's id, go too, as do the copies of their orders and of their user record in the caches.
/// All of it commits with the inbox's record of the event, so a repeat of the event does nothing more.
/// </summary>
public sealed class CustomerErasure(
    OrdersDbContext db, OrderLifecycle lifecycle, OrderCache orders, OptionalCache cache, ILogger<CustomerErasure> logger)
    : IIntegrationEventHandler<UserDeleted>
{
    public async Task HandleAsync(UserDeleted @event, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var userId = @event.UserId;
        var theirs = await db.Orders.Where(o => o.UserId == userId).Select(o => new { o.Id, o.Status }).ToListAsync(cancellationToken);
        var cancelled = 0;
        foreach (var order in theirs.Where(o => o.Status is OrderStatus.Confirmed or OrderStatus.Cancelling))
        {
            await orders.MarkChangingAsync(order.Id);
            if (await lifecycle.CancelInTransactionAsync(order.Id, order.Status, cancellationToken))
            {
                cancelled++;
            }
        }

        await db.Orders.Where(o => o.UserId == userId)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.UserId, Order.ErasedCustomer), cancellationToken);
        var keyPrefix = $"{userId}:";
        await db.IdempotencyRecords.Where(r => r.Key.StartsWith(keyPrefix)).ExecuteDeleteAsync(cancellationToken);

        foreach (var order in theirs)
        {
            orders.Forget(order.Id);
        }

        await cache.TryAsync(database => database.KeyDeleteAsync(UserCacheEntry.Key(userId)), false);
        logger.LogInformation("Erased user {UserId} from {OrderCount} orders, and cancelled {CancelledCount} of them", userId, theirs.Count, cancelled);
    }
}
