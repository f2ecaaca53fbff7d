using System.ComponentModel.DataAnnotations;

namespace Shop.ProductService.Reservations;

public sealed class ReservationOptions
{
    public const string Section = "Reservations";

    /// <summary>How long stock stays held for an order that is never confirmed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan HoldTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the sweep looks for expired holds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
