namespace Shop.Web.Components;

/// <summary>The total of basket lines at the catalogue's prices, per currency: the orders service prices the order itself.</summary>
public static class BasketTotal
{
    public static string Of(IEnumerable<BasketLine> lines, IReadOnlyDictionary<int, ProductResponse> products)
    {
        var totals = lines
            .Where(l => products.ContainsKey(l.ProductId))
            .GroupBy(l => products[l.ProductId].Currency)
            .Select(g => Display.Price(g.Sum(l => products[l.ProductId].Price * l.Quantity), g.Key))
            .ToList();
        return totals.Count == 0 ? "–" : string.Join(" + ", totals);
    }
}
