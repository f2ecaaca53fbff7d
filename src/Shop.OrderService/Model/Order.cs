namespace Shop.OrderService.Model;

public sealed class Order
{
    /// <summary>The customer of an order whose customer was deleted: the order stays, for the books, but names no one.</summary>
    public const int ErasedCustomer = 0;

    public int Id { get; set; }

    /// <summary>The customer, or <see cref="ErasedCustomer"/> once they are deleted.</summary>
    public int UserId { get; set; }
    public OrderStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string Currency { get; set; }
    public decimal Total { get; set; }

    /// <summary>The stored Idempotency-Key (<c>{userId}:{key}</c>) it was placed with, if any, so that a repeat can find it.</summary>
    public string? IdempotencyKey { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

/// <summary>A product as it was when the order was placed: later changes to the product do not alter it.</summary>
public sealed class OrderLine
{
    public int Id { get; set; }
    public int OrderId { get; set; }
    public int ProductId { get; set; }
    public required string Sku { get; set; }
    public required string ProductName { get; set; }
    public decimal UnitPrice { get; set; }
    public int Quantity { get; set; }
    public decimal LineTotal { get; set; }
}

public enum OrderStatus
{
    /// <summary>Stored, with its stock being reserved: placement is in flight, or recovery will finish or undo it.</summary>
    Pending,

    /// <summary>The stock is reserved for good.</summary>
    Confirmed,

    /// <summary>Being cancelled: its stock is being released. Recovery finishes a cancel that was interrupted.</summary>
    Cancelling,

    /// <summary>Cancelled by the customer; its stock is released. Final.</summary>
    Cancelled,

    /// <summary>Left Pending for too long; recovery has taken it over, to confirm or undo it.</summary>
    Recovering,

    /// <summary>Placement failed and its stock may still be held; recovery releases it and removes the order. Never shown.</summary>
    Failed
}
