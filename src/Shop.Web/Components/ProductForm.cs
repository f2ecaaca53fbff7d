using System.Globalization;

namespace Shop.Web.Components;

/// <summary>The back office's product form as posted: text, read into a <see cref="ProductDraft"/> or refused field by field.</summary>
public sealed class ProductForm
{
    public string? Sku { get; set; }
    public string? Name { get; set; }
    public string? Price { get; set; }
    public string? Currency { get; set; }
    public string? Stock { get; set; }

    /// <summary>The ETag of the version the form was filled from: saving is refused if the product changed since.</summary>
    public string? ETag { get; set; }

    public static ProductForm From(ProductResponse product, string? etag) => new()
    {
        Sku = product.Sku,
        Name = product.Name,
        Price = product.Price.ToString("0.00", CultureInfo.InvariantCulture),
        Currency = product.Currency,
        Stock = product.Stock.ToString(CultureInfo.InvariantCulture),
        ETag = etag
    };

    /// <summary>The draft, when price and stock are numbers; the products service checks the rest, and says what is wrong.</summary>
    public bool TryParse(out ProductDraft draft, out IReadOnlyDictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, string[]>();
        if (!decimal.TryParse(Price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price))
        {
            problems[nameof(Price)] = ["Enter a price such as 12.50."];
        }

        if (!int.TryParse(Stock, NumberStyles.None, CultureInfo.InvariantCulture, out var stock))
        {
            problems[nameof(Stock)] = ["Enter the stock as a whole number, 0 or more."];
        }

        draft = new ProductDraft(Sku?.Trim() ?? "", Name?.Trim() ?? "", price, Currency?.Trim().ToUpperInvariant() ?? "", stock);
        errors = problems;
        return problems.Count == 0;
    }
}
