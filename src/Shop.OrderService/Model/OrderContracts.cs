using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Input;

namespace Shop.OrderService.Model;

public sealed record PlaceOrderRequest : IValidatableObject
{
    /// <summary>The customer; the signed-in user when left out. A customer places orders only for themselves.</summary>
    [Range(1, int.MaxValue)]
    public int? UserId { get; init; }

    [Required, Length(1, OrderRules.MaxLines)]
    public required IReadOnlyList<OrderLineRequest> Lines { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ListRules.EachPresentAndUnique(Lines, l => l.ProductId, nameof(Lines), "Each product may appear on one line only.");
}

public sealed record OrderLineRequest
{
    [Range(1, int.MaxValue)]
    public required int ProductId { get; init; }

    [Range(1, OrderRules.MaxQuantity)]
    public required int Quantity { get; init; }
}

/// <summary>The query of <c>GET /orders</c>: optionally only one user's orders.</summary>
public sealed record OrderQuery
{
    [Range(1, int.MaxValue)]
    public int? UserId { get; init; }
}

/// <summary>
/// An order with its customer, as <c>GET /orders/{id}</c> shows it. <see cref="UserStatus"/> says why
/// <see cref="User"/> is null: the user was deleted, or the users service could not be asked.
/// </summary>
public sealed record OrderResponse(
    int Id, OrderStatus Status, DateTime CreatedAt, decimal Total, string Currency,
    UserResponse? User, UserStatus UserStatus, IReadOnlyList<OrderLineResponse> Lines)
{
    public static OrderResponse From(Order order, UserLookup user) => new(
        order.Id, order.Status, order.CreatedAt, order.Total, order.Currency, user.User, user.Status,
        order.Lines.Select(OrderLineResponse.From).ToList());
}

public enum UserStatus
{
    Found,
    Deleted,
    Unavailable
}

public sealed record UserLookup(UserResponse? User, UserStatus Status);

/// <summary>An order in a list: the customer by id only.</summary>
public sealed record OrderSummary(
    int Id, int UserId, OrderStatus Status, DateTime CreatedAt, decimal Total, string Currency, IReadOnlyList<OrderLineResponse> Lines)
{
    public static OrderSummary From(Order order) =>
        new(order.Id, order.UserId, order.Status, order.CreatedAt, order.Total, order.Currency, order.Lines.Select(OrderLineResponse.From).ToList());
}

public sealed record OrderLineResponse(int ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal)
{
    public static OrderLineResponse From(OrderLine line) =>
        new(line.ProductId, line.Sku, line.ProductName, line.UnitPrice, line.Quantity, line.LineTotal);
}

public static class OrderRules
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;
}
