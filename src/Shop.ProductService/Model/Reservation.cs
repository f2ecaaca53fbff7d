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
