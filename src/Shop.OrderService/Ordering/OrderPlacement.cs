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
    OrdersDbContext db, UsersClient users, ProductsClient products, TimeProvider clock, ILogger<OrderPlacement> logger)
{
    /// <summary>Places the order of <paramref name="request"/> for the customer <paramref name="userId"/>.</summary>
    public async Task<PlacementResult> PlaceAsync(int userId, PlaceOrderRequest request, CancellationToken cancellationToken)
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
            return PlacementResult.Refused(StatusCodes.Status404NotFound, "Product not found.",
                $"There is no product with id {string.Join(", ", missing)}.", missing);
        }

        var priced = OrderPricing.Price(request.Lines, found);
        if (priced.Error is not null)
        {
            return PlacementResult.Refused(StatusCodes.Status422UnprocessableEntity, "The order cannot be priced.", priced.Error);
        }

        var order = new Order
        {
            UserId = userId,
            Status = OrderStatus.Pending,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Currency = priced.Currency,
            Total = priced.Total,
            Lines = [.. priced.Lines]
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);

        // From here on the order exists, so a client that goes away must not leave it half placed.
        return await ReserveAndConfirmAsync(order, user, CancellationToken.None);
    }

    private async Task<PlacementResult> ReserveAndConfirmAsync(Order order, UserSnapshot user, CancellationToken cancellationToken)
    {
        try
        {
            var reserved = await products.ReserveAsync(order.Id, order.Lines, cancellationToken);
            if (reserved is ReservationOutcome.ShortOfStock shortOfStock)
            {
                db.Orders.Remove(order);
                await db.SaveChangesAsync(cancellationToken);
                return PlacementResult.Refused(StatusCodes.Status409Conflict, "Not enough stock.",
                    $"Not enough stock of product {string.Join(", ", shortOfStock.ProductIds)}.", shortOfStock.ProductIds);
            }

            // Confirm before marking the order: a Confirmed order must never lose its stock to the sweep.
            if (reserved is ReservationOutcome.Released || await products.ConfirmAsync(order.Id, cancellationToken) is ReservationOutcome.Released)
            {
                throw new DependencyUnavailableException(ProductsClient.ServiceName,
                    new InvalidOperationException($"The stock held for order {order.Id} was released before it could be confirmed."));
            }

            order.Status = OrderStatus.Confirmed;
            await db.SaveChangesAsync(cancellationToken);
            return PlacementResult.Placed(OrderResponse.From(order, user));
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Placing order {OrderId} failed; undoing it", order.Id);
            await UndoAsync(order, cancellationToken);
            throw;
        }
    }

    private static PlacementResult UserNotFound(int userId) =>
        PlacementResult.Refused(StatusCodes.Status404NotFound, "User not found.", $"There is no user with id {userId}.");

    /// <summary>Releases the order's stock and removes it, or, when the products service cannot answer, leaves it Failed for recovery.</summary>
    private async Task UndoAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await products.ReleaseAsync(order.Id, cancellationToken);
            db.Orders.Remove(order);
        }
        catch (DependencyUnavailableException)
        {
            order.Status = OrderStatus.Failed;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
