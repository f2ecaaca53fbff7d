using Shop.Contracts;
using Shop.OrderService.Model;

namespace Shop.Tests.Unit;

public sealed class OrderPricingTests
{
    private static readonly ProductResponse Book = new(1, "BOOK-001", "Book", 12.50m, "EUR", 100);
    private static readonly ProductResponse Pen = new(2, "PEN-001", "Pen", 1.99m, "EUR", 500);
    private static readonly ProductResponse Mug = new(3, "MUG-001", "Mug", 8m, "USD", 10);

    private static Dictionary<int, ProductResponse> Catalogue(params ProductResponse[] products) => products.ToDictionary(p => p.Id);

    private static OrderLineRequest Line(int productId, int quantity) => new() { ProductId = productId, Quantity = quantity };

    [Fact]
    public void TotalIsTheSumOfUnitPriceTimesQuantityWithoutRounding()
    {
        var priced = Assert.IsType<PricingResult.Priced>(OrderPricing.Price([Line(1, 3), Line(2, 7)], Catalogue(Book, Pen)));

        Assert.Equal(37.50m + 13.93m, priced.Total);
        Assert.Equal("EUR", priced.Currency);
    }

    [Fact]
    public void EachLineSnapshotsTheProductAsItIsNow()
    {
        var line = Assert.Single(Assert.IsType<PricingResult.Priced>(OrderPricing.Price([Line(2, 2)], Catalogue(Pen))).Lines);

        Assert.Equal((2, "PEN-001", "Pen", 1.99m, 2, 3.98m),
            (line.ProductId, line.Sku, line.ProductName, line.UnitPrice, line.Quantity, line.LineTotal));
    }

    [Fact]
    public void ProductsInDifferentCurrenciesCannotBePricedTogether()
    {
        var refused = Assert.IsType<PricingResult.MixedCurrencies>(OrderPricing.Price([Line(1, 1), Line(3, 1)], Catalogue(Book, Mug)));

        Assert.Contains("EUR", refused.Detail);
        Assert.Contains("USD", refused.Detail);
    }

    [Fact]
    public void DecimalArithmeticKeepsCentsExact()
    {
        var dime = new ProductResponse(4, "DIME", "Dime", 0.10m, "EUR", 1000);

        Assert.Equal(0.30m, Assert.IsType<PricingResult.Priced>(OrderPricing.Price([Line(4, 3)], Catalogue(dime))).Total);
    }

    [Fact]
    public void ALineForAProductWithoutASnapshotIsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => OrderPricing.Price([Line(9, 1)], Catalogue(Book)));
    }
}
