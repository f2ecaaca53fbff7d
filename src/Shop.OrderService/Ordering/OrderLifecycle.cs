using System.Diagnostics;
using Shop.Events.Outbox;
using Shop.ServiceDefaults.Errors;

namespace Shop.OrderService.Ordering;

/// <summary>
/// The one place where an order's status changes, each change together with what goes with it in the products service:
/// <list type="bullet">
/// <item>placing: Pending (stored), stock held and confirmed, then Confirmed, with its <see cref="OrderConfirmed"/> event;</item>
/// <item>undoing a placement that failed: Failed, stock released, order removed;</item>
/// <item>cancelling: Cancelled, with its <see cref="OrderCancelled"/> event in the same commit; the products service
/// gives the stock back when it handles the event, so a cancel needs no other service online;</item>
/// <item>recovering what a stop left half done: a Pending order becomes Recovering, then Confirmed if its stock is still held, else undone.</item>
/// </list>
/// Placing stays synchronous: the customer waits to learn whether the stock is theirs. Cancelling does not: the
/// customer's intent is settled the moment it is stored, and the stock can come back a little later.
/// Every change is a conditional update (<c>… WHERE Status = from</c>): placement, cancellation and recovery may race
/// for one order, and only the one whose update finds the expected status goes on, so no step runs twice.
/// A Confirmed order leaves Confirmed only by a cancel, which first tells every replica's <see cref="OrderCache"/>.
/// </summary>
public sealed class OrderLifecycle(
    OrdersDbContext db, UsersClient users, ProductsClient products, BatchedPlacementSteps steps, OrderCache orders,
    IntegrationEventOutbox outbox, OrderMetrics metrics, TimeProvider clock, ILogger<OrderLifecycle> logger)
{
    /// <summary>
    /// Places the order of <paramref name="request"/> for the customer <paramref name="userId"/>, once it passes its
    /// <see cref="PlacementCheck"/>, stored with <paramref name="idempotencyKey"/> when the request carried one.
    /// </summary>
    public async Task<PlacementResult> PlaceAsync(int userId, PlaceOrderRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var result = await PlacementCheck.RunAsync(userId, request, users, products, cancellationToken) switch
            {
                PlacementCheck.Passed passed => await StoreAndHoldAsync(userId, passed.User, passed.Priced, idempotencyKey, cancellationToken),
                PlacementCheck.Failed failed => failed.Refusal,
                var unknown => throw new UnreachableException($"Unknown placement check {unknown}.")
            };
            if (result is PlacementResult.Refused refused)
            {
                metrics.Refused(refused.Reason);
            }
            else
            {
                metrics.Placed();
            }

            return result;
        }
        catch (DependencyUnavailableException)
        {
            metrics.RefusedForUnavailableDependency();
            throw;
        }
    }

    /// <summary>
    /// Cancels a Confirmed order (or one an earlier version left Cancelling): Cancelled and its event commit together.
    /// Repeating it changes nothing; an order still being placed is refused.
    /// </summary>
    public async Task<CancellationResult> CancelAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.Status is OrderStatus.Pending or OrderStatus.Recovering)
        {
            return new CancellationResult.StillBeingPlaced();
        }

        if (order.Status is OrderStatus.Confirmed or OrderStatus.Cancelling)
        {
            await orders.MarkChangingAsync(order.Id);
            await CancelAndAnnounceAsync(order.Id, order.Status, cancellationToken);
            orders.Forget(order.Id);
        }

        return new CancellationResult.Cancelled(await db.Orders.Include(o => o.Lines).AsNoTracking().FirstAsync(o => o.Id == order.Id, CancellationToken.None));
    }

    /// <summary>Brings an order that a stop left half done to where the products service agrees with it.</summary>
    public async Task RecoverAsync(int orderId, OrderStatus status, CancellationToken cancellationToken)
    {
        switch (status)
        {
            case OrderStatus.Pending when await MoveAsync(orderId, OrderStatus.Pending, OrderStatus.Recovering, cancellationToken):
            case OrderStatus.Recovering:
                await ConfirmOrUndoAsync(orderId, cancellationToken);
                break;
            case OrderStatus.Failed:
                await ReleaseAndRemoveAsync(orderId, cancellationToken);
                logger.LogWarning("Undid failed order {OrderId}: its stock is released", orderId);
                break;
            case OrderStatus.Cancelling:
                await CancelAndAnnounceAsync(orderId, OrderStatus.Cancelling, cancellationToken);
                logger.LogWarning("Finished cancelling order {OrderId}", orderId);
                break;
        }
    }

    /// <summary>Stores the priced order as Pending, then holds and confirms its stock.</summary>
    private async Task<PlacementResult> StoreAndHoldAsync(
        int userId, UserResponse user, PricingResult.Priced priced, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var order = new Order
        {
            UserId = userId,
            Status = OrderStatus.Pending,
            CreatedAt = clock.GetStoredNow().UtcDateTime,
            Currency = priced.Currency,
            Total = priced.Total,
            IdempotencyKey = idempotencyKey,
            Lines = [.. priced.Lines]
        };
        await steps.StoreAsync(order, cancellationToken);

        // From here on the order exists, so a client that goes away must not leave it half placed.
        return await HoldAndConfirmAsync(order, user, CancellationToken.None);
    }

    /// <summary>Holds the order's stock, confirms the hold, then marks the order Confirmed; undoes it when a step fails.</summary>
    private async Task<PlacementResult> HoldAndConfirmAsync(Order order, UserResponse user, CancellationToken cancellationToken)
    {
        try
        {
            var held = await steps.ReserveAsync(order);
            if (held is StockHold.ShortOfStock shortOfStock)
            {
                // Nothing is held: the order goes without a release.
                await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending).ExecuteDeleteAsync(cancellationToken);
                return new PlacementResult.Refused(RefusalReason.OutOfStock,
                    $"Not enough stock of product {string.Join(", ", shortOfStock.ProductIds)}.", shortOfStock.ProductIds);
            }

            // Confirm before marking the order: a Confirmed order must never lose its stock to the sweep.
            if (held is StockHold.Released || await steps.ConfirmAsync(order.Id) is StockHold.Released)
            {
                throw new DependencyUnavailableException(ShopServices.Products,
                    new InvalidOperationException($"The stock held for order {order.Id} was released before it could be confirmed."));
            }

            if (await steps.MarkConfirmedAsync(order.Id))
            {
                order.Status = OrderStatus.Confirmed;
                return new PlacementResult.Placed(OrderResponse.From(order, new UserLookup(user, UserStatus.Found)));
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Placing order {OrderId} failed; undoing it", order.Id);
            await TryUndoAsync(order.Id, OrderStatus.Pending, cancellationToken);
            throw;
        }

        // Placement stalled past Ordering:PendingTimeout and recovery took the order over; it confirms or undoes it.
        throw new DependencyUnavailableException(ShopServices.Products,
            new TimeoutException($"Placing order {order.Id} took too long; recovery finishes it."));
    }

    /// <summary>Confirms a recovered order whose stock is still held; undoes one whose stock is not.</summary>
    private async Task ConfirmOrUndoAsync(int orderId, CancellationToken cancellationToken)
    {
        var reservation = await products.GetReservationAsync(orderId, cancellationToken);
        if (reservation is { Status: ReservationStatus.Held or ReservationStatus.Confirmed }
            && await products.ConfirmAsync(orderId, cancellationToken) is StockHold.Kept)
        {
            if (await ConfirmAndAnnounceAsync(orderId, cancellationToken))
            {
                metrics.Recovered("confirmed");
            }

            logger.LogWarning("Recovered order {OrderId}: its stock was held, so it is confirmed", orderId);
            return;
        }

        if (await UndoAsync(orderId, OrderStatus.Recovering, cancellationToken))
        {
            metrics.Recovered("undone");
        }

        logger.LogWarning("Undid order {OrderId}: it was left pending without its stock held", orderId);
    }

    /// <summary>
    /// Undoes a placement in <paramref name="from"/>; what cannot be done now (the products service is away, the database
    /// is busy) recovery finishes later, from Failed. The placement's own error always stands.
    /// </summary>
    private async Task TryUndoAsync(int orderId, OrderStatus from, CancellationToken cancellationToken)
    {
        try
        {
            await UndoAsync(orderId, from, cancellationToken);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Order {OrderId} could not be undone yet; recovery will", orderId);
        }
    }

    /// <summary>Marks the order Failed, releases its stock and removes it. Answers whether this call removed it.</summary>
    private async Task<bool> UndoAsync(int orderId, OrderStatus from, CancellationToken cancellationToken) =>
        await MoveAsync(orderId, from, OrderStatus.Failed, cancellationToken)
        && await ReleaseAndRemoveAsync(orderId, cancellationToken);

    /// <summary>Releases a Failed order's stock, then removes the order.</summary>
    private async Task<bool> ReleaseAndRemoveAsync(int orderId, CancellationToken cancellationToken)
    {
        await products.ReleaseAsync(orderId, cancellationToken);
        return await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Failed).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    /// <summary>Moves the order from <paramref name="from"/> to Cancelled and stores its event, in one commit.</summary>
    private async Task CancelAndAnnounceAsync(int orderId, OrderStatus from, CancellationToken cancellationToken)
    {
        var cancelled = await db.InTransactionAsync(async (transaction, attempt) =>
        {
            if (!await CancelInTransactionAsync(orderId, from, attempt))
            {
                return false;
            }

            await transaction.CommitAsync(attempt);
            return true;
        }, cancellationToken);
        if (cancelled)
        {
            metrics.Cancelled();
            outbox.Nudge();
        }
    }

    /// <summary>
    /// Moves the order from <paramref name="from"/> to Cancelled and adds its <see cref="OrderCancelled"/> event, in the
    /// caller's transaction, which commits both; whether this call moved it.
    /// </summary>
    public async Task<bool> CancelInTransactionAsync(int orderId, OrderStatus from, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId && o.Status == from, cancellationToken);
        if (order is null || !await MoveAsync(orderId, from, OrderStatus.Cancelled, cancellationToken))
        {
            return false;
        }

        outbox.Add(OrderEvents.Cancelled(order));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Moves a Recovering order to Confirmed and stores its event, in one commit; whether this call moved it.</summary>
    private async Task<bool> ConfirmAndAnnounceAsync(int orderId, CancellationToken cancellationToken)
    {
        var confirmed = await db.InTransactionAsync(async (transaction, attempt) =>
        {
            if (!await MoveAsync(orderId, OrderStatus.Recovering, OrderStatus.Confirmed, attempt))
            {
                return false;
            }

            outbox.Add(OrderEvents.Confirmed(await db.Orders.AsNoTracking().FirstAsync(o => o.Id == orderId, attempt)));
            await db.SaveChangesAsync(attempt);
            await transaction.CommitAsync(attempt);
            return true;
        }, cancellationToken);
        if (confirmed)
        {
            outbox.Nudge();
        }

        return confirmed;
    }

    /// <summary>Moves the order from <paramref name="from"/> to <paramref name="to"/>, if it is still in <paramref name="from"/>.</summary>
    private async Task<bool> MoveAsync(int orderId, OrderStatus from, OrderStatus to, CancellationToken cancellationToken) =>
        await db.Orders
            .Where(o => o.Id == orderId && o.Status == from)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.Status, to), cancellationToken) == 1;
}
