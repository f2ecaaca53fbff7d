using System.Text.Json.Serialization;

namespace Shop.OrderService.Ordering;

/// <summary>
/// What placing an order came to: placed, or refused for a reason the customer can act on. A dependency that cannot
/// answer is not a result but a <see cref="ServiceDefaults.Errors.DependencyUnavailableException"/>. The API edge alone turns
/// a result into an HTTP answer.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "outcome")]
[JsonDerivedType(typeof(Placed), "placed")]
[JsonDerivedType(typeof(Refused), "refused")]
public abstract record PlacementResult
{
    private PlacementResult()
    {
    }

    public sealed record Placed(OrderResponse Order) : PlacementResult;

    /// <param name="ProductIds">The products the refusal is about, when it is about some.</param>
    public sealed record Refused(RefusalReason Reason, string Detail, IReadOnlyList<int>? ProductIds = null) : PlacementResult;
}

public enum RefusalReason
{
    /// <summary>There is no such user, or it is someone the caller may not place orders for.</summary>
    UnknownUser,

    UnknownProduct,

    /// <summary>The products are priced in more than one currency.</summary>
    MixedCurrencies,

    OutOfStock,

    /// <summary>The Idempotency-Key was used with another request body.</summary>
    KeyReused,

    /// <summary>The first request with the Idempotency-Key is still being answered.</summary>
    KeyInUse
}
