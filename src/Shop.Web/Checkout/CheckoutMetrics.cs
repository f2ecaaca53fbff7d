using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Web.Checkout;

/// <summary>The web app's meter (<c>Shop.Web</c>): checkouts started, completed, and failed by reason.</summary>
public sealed class CheckoutMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "Shop.Web";

    private readonly Counter<long> _started = meterFactory.CreateCounter(MeterName, "shop.checkouts.started", "{checkout}",
        "Checkouts a person submitted: each press of \"Place order\" that reached the orders service.");

    private readonly Counter<long> _completed = meterFactory.CreateCounter(MeterName, "shop.checkouts.completed", "{checkout}",
        "Checkouts that placed an order.");

    private readonly TaggedCounter _failed = meterFactory.CreateTaggedCounter(MeterName, "shop.checkouts.failed", "reason", "{checkout}",
        "Checkouts that placed no order, by reason: out_of_stock, refused, unavailable.");

    public void Started() => _started.Add(1);

    public void Completed() => _completed.Add(1);

    public void Failed(string reason) => _failed.Add(reason);
}
