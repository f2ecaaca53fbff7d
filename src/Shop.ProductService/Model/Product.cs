using Shop.ServiceDefaults.Input;

namespace Shop.ProductService.Model;

public sealed class Product
{
    private string _name = "";

    public int Id { get; set; }
    public required string Sku { get; set; }

    public required string Name
    {
        get => _name;
        set
        {
            _name = value;
            SearchName = SearchText(value);
        }
    }

    /// <summary>
    /// The name as a search compares it (<see cref="SearchText"/>), kept beside it so that a search scans it as stored
    /// rather than folding every name of the catalogue again for every search.
    /// </summary>
    public string SearchName { get; private set; } = "";

    public decimal Price { get; set; }
    public required string Currency { get; set; }
    public int Stock { get; set; }

    /// <summary>Text as a search compares it: composed (NFC) and lower-cased, the same for a name and a search term.</summary>
    public static string SearchText(string text) => TextRules.Nfc(text)!.ToLowerInvariant();
}
