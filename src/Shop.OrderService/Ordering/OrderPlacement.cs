using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Model;
using Shop.ServiceDefaults;

namespace Shop.OrderService.Ordering;

/// <summary>
/// Places an order across services: checks the user and prices the products, stores the order as
/// Pending, holds its stock, confirms the hold, and only then marks the order Confirmed. When a step
/// fails, the order is undone: its stock is released and the order removed.
/// </summary>
public sealed class OrderPlacement(
    OrdersDbContext db, UsersClient users, ProductsClient products, OrderMetrics metrics, TimeProvider clock, ILogger<OrderPlacement> logger)
{
    /// <summary>
    /// Places the order of <paramref name="request"/> for the customer <paramref name="userId"/>, stored with
    /// <paramref name="idempotencyKey"/> when the request carried one.
    /// </summary>
    public async Task<PlacementResult> PlaceAsync(int userId, PlaceOrderRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var result = await PlaceOnceAsync(userId, request, idempotencyKey, cancellationToken);
            if (result.Order is not null)
            {
                metrics.Placed();
            }

            return result;
        }
        catch (DependencyUnavailableException)
        {
            metrics.Refused(RefusalReasons.DependencyUnavailable);
            throw;
        }
    }

    private async Task<PlacementResult> PlaceOnceAsync(int userId, PlaceOrderRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (request.UserId is { } other && other != userId)
        {
            // Placing for someone else is refused as if that user did not exist, so as not to reveal who does.
            return UserNotFound(other);
        }

        var userLookup = users.GetAsync(userId, cancellationToken);
        var productLookup = products.GetManyAsync(request.Lines.Select(l => l.ProductId), cancellationToken);
        var user = await userLookup;
        var found = await productLookup;

        if (user is null)
        {
            return UserNotFound(userId);
        }

        var missing = request.Lines.Select(l => l.ProductId).Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            metrics.Refused(RefusalReasons.UnknownProduct);
            return PlacementResult.Refused(StatusCodes.Status404NotFound, "Product not found.",
                $"There is no product with id {string.Join(", ", missing)}.", missing);
        }

        var priced = OrderPricing.Price(request.Lines, found);
        if (priced.Error is not null)
        {
            metrics.Refused(RefusalReasons.MixedCurrencies);
            return PlacementResult.Refused(StatusCodes.Status422UnprocessableEntity, "The order cannot be priced.", priced.Error);
        }

        var order = new Order
        {
            UserId = userId,
            Status = OrderStatus.Pending,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Currency = priced.Currency,
            Total = priced.Total,
            IdempotencyKey = idempotencyKey,
            Lines = [.. priced.Lines]
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);

        // From here on the order exists, so a client that goes away must not leave it half placed.
        return await ReserveAndConfirmAsync(order, user, CancellationToken.None);
    }

    private async Task<PlacementResult> ReserveAndConfirmAsync(Order order, UserSnapshot user, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        try
        {
            var reserved = await products.ReserveAsync(order.Id, order.Lines, cancellationToken);
            if (reserved is ReservationOutcome.ShortOfStock shortOfStock)
            {
                await db.Orders.Where(o => o.Id == order.Id && o.Status == OrderStatus.Pending).ExecuteDeleteAsync(cancellationToken);
                metrics.Refused(RefusalReasons.OutOfStock);
                return PlacementResult.Refused(StatusCodes.Status409Conflict, "Not enough stock.",
                    $"Not enough stock of product {string.Join(", ", shortOfStock.ProductIds)}.", shortOfStock.ProductIds);
            }

            // Confirm before marking the order: a Confirmed order must never lose its stock to the sweep.
            if (reserved is ReservationOutcome.Released || await products.ConfirmAsync(order.Id, cancellationToken) is ReservationOutcome.Released)
            {
                throw new DependencyUnavailableException(ProductsClient.ServiceName,
                    new InvalidOperationException($"The stock held for order {order.Id} was released before it could be confirmed."));
            }

            if (await OrderTransitions.MoveAsync(db, order.Id, OrderStatus.Pending, OrderStatus.Confirmed, cancellationToken))
            {
                order.Status = OrderStatus.Confirmed;
                return PlacementResult.Placed(OrderResponse.From(order, new UserLookup(user, UserStatus.Found)));
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Placing order {OrderId} failed; undoing it", order.Id);
            await UndoAsync(order.Id, cancellationToken);
            throw;
        }

        // Placement stalled past Ordering:PendingTimeout and recovery took the order over; it finishes or undoes it.
        throw new DependencyUnavailableException(ProductsClient.ServiceName,
            new TimeoutException($"Placing order {order.Id} took too long; recovery finishes it."));
    }

    private PlacementResult UserNotFound(int userId)
    {
        metrics.Refused(RefusalReasons.UnknownUser);
        return PlacementResult.Refused(StatusCodes.Status404NotFound, "User not found.", $"There is no user with id {userId}.");
    }

    /// <summary>
    /// Marks the order Failed, then releases its stock and removes it. What cannot be done now (the products
    /// service is away, the database is busy) recovery finishes later; the original error always stands.
    /// </summary>
    private async Task UndoAsync(int orderId, CancellationToken cancellationToken)
    {
        try
        {
            if (!await OrderTransitions.MoveAsync(db, orderId, OrderStatus.Pending, OrderStatus.Failed, cancellationToken))
            {
                return;
            }

            await products.ReleaseAsync(orderId, cancellationToken);
            await db.Orders.Where(o => o.Id == orderId && o.Status == OrderStatus.Failed).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Order {OrderId} could not be undone yet; recovery will", orderId);
        }
    }
}
