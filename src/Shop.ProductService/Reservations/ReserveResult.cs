namespace Shop.ProductService.Reservations;

/// <summary>What <see cref="ReservationStore.ReserveManyAsync"/> did for one order.</summary>
public abstract record ReserveResult
{
    public sealed record Held(Reservation Reservation) : ReserveResult;

    /// <summary>The order already has a reservation, in whatever state; nothing more was held.</summary>
    public sealed record Repeated(Reservation Reservation) : ReserveResult;

    public sealed record ShortOfStock(int OrderId, IReadOnlyList<int> ProductIds) : ReserveResult;
}
