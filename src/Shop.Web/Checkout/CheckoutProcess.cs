namespace Shop.Web.Checkout;

/// <summary>What became of pressing "Place order".</summary>
public abstract record CheckoutResult
{
    public sealed record Placed(int OrderId) : CheckoutResult;

    /// <summary>The basket changed since the checkout page was shown (or is empty): the person looks again.</summary>
    public sealed record BasketChanged : CheckoutResult;

    /// <summary>Too little stock of these products, by name; the basket is as it was.</summary>
    public sealed record ShortOfStock(IReadOnlyList<string> Products) : CheckoutResult;

    public sealed record Refused(string Message) : CheckoutResult;
}

/// <summary>
/// Places the order of a person's basket, once: every attempt of one checkout (a double click, a refresh, a retry after
/// a timeout) carries the same Idempotency-Key, made when the checkout page was shown, so the orders service places one
/// order and answers the others with it. The basket is emptied only once the order is placed.
/// </summary>
public sealed class CheckoutProcess(
    BasketStore baskets, OrdersClient orders, CatalogClient catalog, CheckoutMetrics metrics, TimeProvider clock, ILogger<CheckoutProcess> logger)
{
    /// <summary>How long a submission waits for another one of the same checkout, under way, to finish.</summary>
    private static readonly TimeSpan InProgressWait = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan InProgressPoll = TimeSpan.FromMilliseconds(250);

    public async Task<CheckoutResult> PlaceAsync(int userId, string checkoutKey, CancellationToken cancellationToken)
    {
        var basket = await baskets.FindAsync(new BasketOwner(userId, null), cancellationToken);
        if (basket is { PlacedKey: { } placedKey, PlacedOrderId: { } placedOrder } && placedKey == checkoutKey)
        {
            return new CheckoutResult.Placed(placedOrder);
        }

        if (basket is null || basket.Lines.Count == 0 || basket.CheckoutKey != checkoutKey)
        {
            return new CheckoutResult.BasketChanged();
        }

        metrics.Started();
        var giveUpAt = clock.GetUtcNow() + InProgressWait;
        try
        {
            while (true)
            {
                switch (await orders.PlaceAsync(basket.Lines, checkoutKey, cancellationToken))
                {
                    case Placement.Placed placed:
                        await baskets.CompleteCheckoutAsync(userId, checkoutKey, placed.OrderId, cancellationToken);
                        metrics.Completed();
                        logger.LogInformation("Checkout placed order {OrderId} for user {UserId}", placed.OrderId, userId);
                        return new CheckoutResult.Placed(placed.OrderId);
                    case Placement.ShortOfStock shortOfStock:
                        metrics.Failed("out_of_stock");
                        var products = await catalog.GetManyAsync(shortOfStock.ProductIds, cancellationToken);
                        return new CheckoutResult.ShortOfStock(
                            [.. shortOfStock.ProductIds.Select(id => products.TryGetValue(id, out var product) ? product.Name : $"product {id}")]);
                    case Placement.Refused refused:
                        metrics.Failed("refused");
                        return new CheckoutResult.Refused(refused.Message);
                    case Placement.InProgress when clock.GetUtcNow() < giveUpAt:
                        // The same checkout is being placed by the other click: its answer will be ours.
                        await Task.Delay(InProgressPoll, clock, cancellationToken);
                        break;
                    default:
                        throw new ServiceUnavailableException(ShopServices.Orders, TimeSpan.FromSeconds(5));
                }
            }
        }
        catch (ServiceUnavailableException)
        {
            metrics.Failed("unavailable");
            throw;
        }
    }
}
