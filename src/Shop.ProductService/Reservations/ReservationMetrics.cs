using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.ProductService.Reservations;

/// <summary>The products service's own meter: stock held for orders, kept for good, and given back.</summary>
public sealed class ReservationMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "Shop.Products";

    private readonly Counter<long> _held = meterFactory.CreateCounter(MeterName, "shop.reservations.held", "{reservation}",
        "Reservations that took the stock of an order.");

    private readonly Counter<long> _confirmed = meterFactory.CreateCounter(MeterName, "shop.reservations.confirmed", "{reservation}",
        "Held reservations kept for good.");

    private readonly TaggedCounter _released = meterFactory.CreateTaggedCounter(MeterName, "shop.reservations.released", "reason", "{reservation}",
        "Reservations whose stock was given back, by reason: order (cancelled or failed) or expired (by the sweep).");

    public void Held() => _held.Add(1);

    public void Confirmed(int count) => _confirmed.Add(count);

    public void Released(bool expired) => _released.Add(expired ? "expired" : "order");
}
