namespace Shop.ProductService.Model;

/// <summary>Stock held for one order. Keyed by the order's id, so that a repeated reserve holds nothing more.</summary>
public sealed class Reservation
{
    public int OrderId { get; set; }
    public ReservationStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ReservationLine> Lines { get; set; } = [];
}

public sealed class ReservationLine
{
    public int Id { get; set; }
    public int OrderId { get; set; }
    public int ProductId { get; set; }
    public int Quantity { get; set; }
}

public enum ReservationStatus
{
    /// <summary>Stock is taken; released by the sweep unless confirmed in time.</summary>
    Held,

    /// <summary>The order is placed; the stock stays taken until the order is cancelled.</summary>
    Confirmed,

    /// <summary>The stock is back. Final: a released reservation is never held or confirmed again.</summary>
    Released
}
