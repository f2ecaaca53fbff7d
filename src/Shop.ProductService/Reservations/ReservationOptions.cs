namespace Shop.ProductService.Reservations;

public sealed class ReservationOptions
{
    /// <summary>How long stock stays held for an order that is never confirmed.</summary>
    public TimeSpan HoldTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the sweep looks for expired holds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
