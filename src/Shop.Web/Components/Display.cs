using System.Globalization;

namespace Shop.Web.Components;

/// <summary>How the pages write prices, stock and order statuses.</summary>
public static class Display
{
    /// <summary>At most this many left, a product page says how many.</summary>
    public const int FewLeft = 5;

    public static string Price(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";

    public static string Availability(int stock) => stock switch
    {
        <= 0 => "Sold out",
        <= FewLeft => $"Only {stock} left",
        _ => "In stock"
    };

    /// <summary>The 0-based index of a page the address names 1-based (<c>?page=2</c>); null when it names none, or none that can be.</summary>
    public static int? PageIndex(string? page) =>
        int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= PageRequest.MaxPageIndex
            ? number - 1
            : null;

    public static string Date(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>What is away, as a person would name it.</summary>
    public static string ServiceName(string service) => service switch
    {
        ShopServices.Products => "The catalogue",
        ShopServices.Orders => "Ordering",
        ShopServices.Users => "The accounts service",
        _ => $"The {service} service"
    };
}
