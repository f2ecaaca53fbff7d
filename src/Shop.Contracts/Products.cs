using System.Text.Json.Serialization;

namespace Shop.Contracts;

/// <summary>A product as the products service shows it, and as the orders service prices an order from it.</summary>
public sealed record ProductResponse(int Id, string Sku, string Name, decimal Price, string Currency, int Stock);

/// <summary>Where an order's stock stands in the products service; by name on the wire, whoever reads it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReservationStatus>))]
public enum ReservationStatus
{
    /// <summary>Stock is taken; released by the sweep unless confirmed in time.</summary>
    Held,

    /// <summary>The order is placed; the stock stays taken until the order is cancelled.</summary>
    Confirmed,

    /// <summary>The stock is back. Final: a released reservation is never held or confirmed again.</summary>
    Released
}

/// <summary>An order's reservation as the products service shows it.</summary>
public sealed record ReservationResponse(int OrderId, ReservationStatus Status, DateTime CreatedAt, IReadOnlyList<ReservationLineResponse> Lines);

public sealed record ReservationLineResponse(int ProductId, int Quantity);

/// <summary>What the products service takes in one call for several orders, and the orders service sends no more than.</summary>
public static class ReservationLimits
{
    /// <summary>The most orders one call may reserve or confirm.</summary>
    public const int OrdersPerCall = 64;
}

/// <summary>
/// Where one order's reservation stands after a call for several orders: its status, or null with the products short of
/// stock when a reserve held nothing for it, or null alone when a confirm found no reservation.
/// </summary>
public sealed record ReservationStateResponse(int OrderId, ReservationStatus? Status, IReadOnlyList<int>? ShortOfStock = null);
