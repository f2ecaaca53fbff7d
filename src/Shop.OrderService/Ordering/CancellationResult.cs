namespace Shop.OrderService.Ordering;

/// <summary>What cancelling an order came to: cancelled (now, or before), or refused while it is still being placed.</summary>
public abstract record CancellationResult
{
    private CancellationResult()
    {
    }

    /// <param name="Order">The order as it is stored now.</param>
    public sealed record Cancelled(Order Order) : CancellationResult;

    public sealed record StillBeingPlaced : CancellationResult;
}
