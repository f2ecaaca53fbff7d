using Shop.OrderService.Model;

namespace Shop.Tests.Unit;

public sealed class OrderPricingTests
{
    private static readonly ProductSnapshot Book = new(1, "BOOK-001", "Book", 12.50m, "EUR", 100);
    private static readonly ProductSnapshot Pen = new(2, "PEN-001", "Pen", 1.99m, "EUR", 500);
    private static readonly ProductSnapshot Mug = new(3, "MUG-001", "Mug", 8m, "USD", 10);

    private static Dictionary<int, ProductSnapshot> Catalogue(params ProductSnapshot[] products) => products.ToDictionary(p => p.Id);

    private static OrderLineRequest Line(int productId, int quantity) => new() { ProductId = productId, Quantity = quantity };

    [Fact]
    public void TotalIsTheSumOfUnitPriceTimesQuantityWithoutRounding()
    {
        var priced = OrderPricing.Price([Line(1, 3), Line(2, 7)], Catalogue(Book, Pen));

        Assert.Null(priced.Error);
        Assert.Equal(37.50m + 13.93m, priced.Total);
        Assert.Equal("EUR", priced.Currency);
    }

    [Fact]
    public void EachLineSnapshotsTheProductAsItIsNow()
    {
        var line = Assert.Single(OrderPricing.Price([Line(2, 2)], Catalogue(Pen)).Lines);

        Assert.Equal((2, "PEN-001", "Pen", 1.99m, 2, 3.98m),
            (line.ProductId, line.Sku, line.ProductName, line.UnitPrice, line.Quantity, line.LineTotal));
    }

    [Fact]
    public void ProductsInDifferentCurrenciesCannotBePricedTogether()
    {
        var priced = OrderPricing.Price([Line(1, 1), Line(3, 1)], Catalogue(Book, Mug));

        Assert.NotNull(priced.Error);
        Assert.Contains("EUR", priced.Error);
        Assert.Contains("USD", priced.Error);
        Assert.Empty(priced.Lines);
    }

    [Fact]
    public void DecimalArithmeticKeepsCentsExact()
    {
        var dime = new ProductSnapshot(4, "DIME", "Dime", 0.10m, "EUR", 1000);

        Assert.Equal(0.30m, OrderPricing.Price([Line(4, 3)], Catalogue(dime)).Total);
    }

    [Fact]
    public void ALineForAProductWithoutASnapshotIsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => OrderPricing.Price([Line(9, 1)], Catalogue(Book)));
    }
}
