namespace Shop.OrderService.Ordering;

/// <summary>The integration events an order's changes are told by.</summary>
public static class OrderEvents
{
    public static OrderConfirmed Confirmed(Order order) =>
        new(order.Id, order.UserId, order.Total, order.Currency, new DateTimeOffset(order.CreatedAt, TimeSpan.Zero));

    public static OrderCancelled Cancelled(Order order) => new(order.Id, order.UserId, order.Total, order.Currency);
}
