using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Shop.OrderService.Ordering;

/// <summary>The orders service's own meter: what happens to orders, and how often the user cache and the order cache answer.</summary>
public sealed class OrderMetrics
{
    public const string MeterName = "Shop.Orders";

    private readonly Counter<long> _placed;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _userCacheLookups;
    private readonly Counter<long> _orderCacheLookups;

    public OrderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _placed = meter.CreateCounter<long>("shop.orders.placed", "{order}", "Orders placed: stock held and confirmed.");
        _refused = meter.CreateCounter<long>("shop.orders.refused", "{order}",
            "Orders refused, by reason: out_of_stock, unknown_product, unknown_user, mixed_currencies or dependency_unavailable.");
        _cancelled = meter.CreateCounter<long>("shop.orders.cancelled", "{order}", "Orders cancelled, their stock released.");
        _recovered = meter.CreateCounter<long>("shop.orders.recovered", "{order}",
            "Orders left half placed that recovery finished, by outcome: confirmed or undone.");
        _userCacheLookups = meter.CreateCounter<long>("shop.user_cache.lookups", "{lookup}",
            "Lookups of an order's user in the shared cache, by result: hit or miss.");
        _orderCacheLookups = meter.CreateCounter<long>("shop.order_cache.lookups", "{lookup}",
            "Reads of an order by id, by result: hit (shown from this replica's memory) or miss (read from the database).");
    }

    public void Placed() => _placed.Add(1);

    public void Refused(RefusalReason reason) => Refused(reason switch
    {
        RefusalReason.OutOfStock => "out_of_stock",
        RefusalReason.UnknownProduct => "unknown_product",
        RefusalReason.UnknownUser => "unknown_user",
        RefusalReason.MixedCurrencies => "mixed_currencies",
        _ => throw new UnreachableException($"Placing an order does not refuse for {reason}.")
    });

    /// <summary>An order refused because a service it needs could not answer.</summary>
    public void RefusedForUnavailableDependency() => Refused("dependency_unavailable");

    public void Cancelled() => _cancelled.Add(1);

    public void Recovered(string outcome) => _recovered.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void UserCacheLookup(bool hit) => _userCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public void OrderCacheLookup(bool hit) => _orderCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    private void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
