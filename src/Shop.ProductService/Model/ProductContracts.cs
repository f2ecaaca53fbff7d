using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Shop.ServiceDefaults.Input;

namespace Shop.ProductService.Model;

/// <summary>The body of a create or an update: every field is required.</summary>
public sealed record ProductRequest
{
    /// <summary>Upper-case letters, digits and dashes, unique across products.</summary>
    [Required, StringLength(ProductRules.MaxSkuLength, MinimumLength = 1), RegularExpression(ProductRules.SkuPattern)]
    public required string Sku { get; init; }

    /// <summary>Stored in Unicode normalisation form C (<see cref="TextRules.Nfc"/>).</summary>
    [Required, StringLength(ProductRules.MaxNameLength, MinimumLength = 1), PlainText]
    public required string Name { get; init => field = TextRules.Nfc(value); }

    [Range(typeof(decimal), "0", ProductRules.MaxPrice, ParseLimitsInInvariantCulture = true)]
    public required decimal Price { get; init; }

    /// <summary>An ISO 4217 code such as EUR or USD.</summary>
    [Required, RegularExpression(ProductRules.CurrencyPattern)]
    public required string Currency { get; init; }

    [Range(0, ProductRules.MaxStock)]
    public required int Stock { get; init; }
}

/// <summary>The query of <c>GET /products</c>: optionally only the products whose name contains <see cref="Search"/>.</summary>
public sealed record ProductQuery
{
    /// <summary>
    /// Found anywhere in the name, ignoring case and the spaces around it; every character stands for itself (<c>%</c> and
    /// <c>_</c> too). Empty or left out: every product.
    /// </summary>
    [StringLength(ProductRules.MaxSearchLength), PlainText]
    public string? Search { get; init; }
}

public static class ProductMapping
{
    /// <summary>The product as the API shows it.</summary>
    public static ProductResponse ToResponse(this Product product) =>
        new(product.Id, product.Sku, product.Name, product.Price, product.Currency, product.Stock);

    /// <summary>
    /// The entity tag of the product as shown, for <c>If-Match</c>: it changes with every field, stock included,
    /// so that an update made from a stale read (stock taken by an order since) is refused rather than undoing it.
    /// </summary>
    public static string ETag(this ProductResponse product) => $"\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', product.Id, product.Sku, product.Name, product.Price.ToString("G29", CultureInfo.InvariantCulture), product.Currency, product.Stock))))[..16]}\"";
}

public static class ProductRules
{
    public const int MaxSkuLength = 32;
    public const string SkuPattern = "^[A-Z0-9-]+$";
    public const int MaxNameLength = 200;
    public const int MaxSearchLength = 100;
    public const string MaxPrice = "1000000";
    public const string CurrencyPattern = "^[A-Z]{3}$";
    public const int MaxStock = 1_000_000;
}
