using System.Diagnostics;

namespace Shop.OrderService.Ordering;

/// <summary>
/// What placing an order checks before it stores anything: that the customer exists and places for themselves, that
/// every product exists, and that the lines can be priced. It changes nothing, so <see cref="OrderLifecycle"/> stores
/// only what passes, and a refusal here leaves no order behind.
/// </summary>
public abstract record PlacementCheck
{
    private PlacementCheck()
    {
    }

    /// <param name="User">The customer, as the order shows them.</param>
    /// <param name="Priced">The lines priced from the products as they are now.</param>
    public sealed record Passed(UserResponse User, PricingResult.Priced Priced) : PlacementCheck;

    public sealed record Failed(PlacementResult.Refused Refusal) : PlacementCheck;

    public static async Task<PlacementCheck> RunAsync(
        int userId, PlaceOrderRequest request, UsersClient users, ProductsClient products, CancellationToken cancellationToken)
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
            return new Failed(new(RefusalReason.UnknownProduct, $"There is no product with id {string.Join(", ", missing)}.", missing));
        }

        return OrderPricing.Price(request.Lines, found) switch
        {
            PricingResult.Priced priced => new Passed(user, priced),
            PricingResult.MixedCurrencies mixed => new Failed(new(RefusalReason.MixedCurrencies, mixed.Detail)),
            var unknown => throw new UnreachableException($"Unknown pricing result {unknown}.")
        };
    }

    private static Failed UserNotFound(int userId) => new(new(RefusalReason.UnknownUser, $"There is no user with id {userId}."));
}
