namespace Shop.OrderService.Model;

/// <summary>Prices the lines of an order from the products as they are now, and totals them.</summary>
public static class OrderPricing
{
    /// <returns>The priced lines, or an error a customer can act on.</returns>
    public static PricingResult Price(IReadOnlyList<OrderLineRequest> lines, IReadOnlyDictionary<int, ProductResponse> products)
    {
        var missing = lines.Select(l => l.ProductId).Where(id => !products.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"No product snapshot for {string.Join(", ", missing)}.", nameof(products));
        }

        var currencies = lines.Select(l => products[l.ProductId].Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            return new PricingResult.MixedCurrencies($"An order is paid in one currency; these products are priced in {string.Join(", ", currencies)}.");
        }

        var priced = lines.Select(line =>
        {
            var product = products[line.ProductId];
            return new OrderLine
            {
                ProductId = product.Id,
                Sku = product.Sku,
                ProductName = product.Name,
                UnitPrice = product.Price,
                Quantity = line.Quantity,
                LineTotal = product.Price * line.Quantity
            };
        }).ToList();

        return new PricingResult.Priced(priced, priced.Sum(l => l.LineTotal), currencies[0]);
    }
}

/// <summary>The order priced, or why it cannot be.</summary>
public abstract record PricingResult
{
    public sealed record Priced(IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : PricingResult;

    public sealed record MixedCurrencies(string Detail) : PricingResult;
}
