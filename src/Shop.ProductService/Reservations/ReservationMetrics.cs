using System.Diagnostics.Metrics;

namespace Shop.ProductService.Reservations;

/// <summary>The products service's own meter: stock held for orders, kept for good, and given back.</summary>
public sealed class ReservationMetrics
{
    public const string MeterName = "Shop.Products";

    private readonly Counter<long> _held;
    private readonly Counter<long> _confirmed;
    private readonly Counter<long> _released;

    public ReservationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _held = meter.CreateCounter<long>("shop.reservations.held", "{reservation}", "Reservations that took the stock of an order.");
        _confirmed = meter.CreateCounter<long>("shop.reservations.confirmed", "{reservation}", "Held reservations kept for good.");
        _released = meter.CreateCounter<long>("shop.reservations.released", "{reservation}",
            "Reservations whose stock was given back, by reason: order (cancelled or failed) or expired (by the sweep).");
    }

    public void Held() => _held.Add(1);

    public void Confirmed(int count) => _confirmed.Add(count);

    public void Released(bool expired) => _released.Add(1, new KeyValuePair<string, object?>("reason", expired ? "expired" : "order"));
}
