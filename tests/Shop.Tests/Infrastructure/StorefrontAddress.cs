namespace Shop.Tests.Infrastructure;

/// <summary>Where a browser reaches the web app of a topology.</summary>
public static class StorefrontAddress
{
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromMinutes(3);

    /// <summary>The web app's address (its http endpoint), once it answers its health check: the storefront, the back office and the front door.</summary>
    public static async Task<Uri> StorefrontAsync(this ShopTopology shop)
    {
        var address = shop.AddressOf(ShopServices.Web);
        using var client = new HttpClient { BaseAddress = address };
        await Eventually.HoldsAsync(async () => await ShopTopology.HealthOfAsync(client) is not null,
            $"The web app at {address} did not answer its health check.", HealthyWithin);
        return address;
    }
}
