using System.Diagnostics;
using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.OrderService.Ordering;

/// <summary>The orders service's own meter: what happens to orders, and how often the user cache and the order cache answer.</summary>
public sealed class OrderMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "Shop.Orders";

    private readonly Counter<long> _placed = meterFactory.CreateCounter(MeterName, "shop.orders.placed", "{order}",
        "Orders placed: stock held and confirmed.");

    private readonly TaggedCounter _refused = meterFactory.CreateTaggedCounter(MeterName, "shop.orders.refused", "reason", "{order}",
        "Orders refused, by reason: out_of_stock, unknown_product, unknown_user, mixed_currencies or dependency_unavailable.");

    private readonly Counter<long> _cancelled = meterFactory.CreateCounter(MeterName, "shop.orders.cancelled", "{order}",
        "Orders cancelled, their stock released.");

    private readonly TaggedCounter _recovered = meterFactory.CreateTaggedCounter(MeterName, "shop.orders.recovered", "outcome", "{order}",
        "Orders left half placed that recovery finished, by outcome: confirmed or undone.");

    private readonly TaggedCounter _userCacheLookups = meterFactory.CreateTaggedCounter(MeterName, "shop.user_cache.lookups", "result", "{lookup}",
        "Lookups of an order's user in the shared cache, by result: hit or miss.");

    private readonly TaggedCounter _orderCacheLookups = meterFactory.CreateTaggedCounter(MeterName, "shop.order_cache.lookups", "result", "{lookup}",
        "Reads of an order by id, by result: hit (shown from this replica's memory) or miss (read from the database).");

    public void Placed() => _placed.Add(1);

    public void Refused(RefusalReason reason) => _refused.Add(reason switch
    {
        RefusalReason.OutOfStock => "out_of_stock",
        RefusalReason.UnknownProduct => "unknown_product",
        RefusalReason.UnknownUser => "unknown_user",
        RefusalReason.MixedCurrencies => "mixed_currencies",
        _ => throw new UnreachableException($"Placing an order does not refuse for {reason}.")
    });

    /// <summary>An order refused because a service it needs could not answer.</summary>
    public void RefusedForUnavailableDependency() => _refused.Add("dependency_unavailable");

    public void Cancelled() => _cancelled.Add(1);

    public void Recovered(string outcome) => _recovered.Add(outcome);

    public void UserCacheLookup(bool hit) => _userCacheLookups.Add(hit ? "hit" : "miss");

    public void OrderCacheLookup(bool hit) => _orderCacheLookups.Add(hit ? "hit" : "miss");
}
