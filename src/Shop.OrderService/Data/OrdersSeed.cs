namespace Shop.OrderService.Data;

internal static class OrdersSeed
{
    /// <summary>
    /// Alice's order of a Book and Bob's order of a Pen, added once to an empty database. The ids and
    /// snapshots are those of the users and products services' own seed data.
    /// </summary>
    public static Task SeedSampleOrdersAsync(OrdersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return db.AddIfEmptyAsync(db.Orders,
        [
            SampleOrder(userId: 1, new ProductResponse(1, "BOOK-001", "Book", 12.50m, "EUR", 0), now),
            SampleOrder(userId: 2, new ProductResponse(2, "PEN-001", "Pen", 1.99m, "EUR", 0), now)
        ], cancellationToken);
    }

    private static Order SampleOrder(int userId, ProductResponse product, DateTime createdAt)
    {
        var priced = (PricingResult.Priced)OrderPricing.Price([new OrderLineRequest { ProductId = product.Id, Quantity = 1 }],
            new Dictionary<int, ProductResponse> { [product.Id] = product });
        return new Order
        {
            UserId = userId,
            Status = OrderStatus.Confirmed,
            CreatedAt = createdAt,
            Currency = priced.Currency,
            Total = priced.Total,
            Lines = [.. priced.Lines]
        };
    }
}
