using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>
/// The products service goes away while a person browses, on a topology of this class's own (stopping a service on the
/// shared one would break its neighbours): the storefront says what is unavailable and when to try again, and works
/// again once the service is back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class StorefrontOutageTests(IsolatedTopologyFixture topology, ChromiumFixture chromium)
    : StorefrontTests(chromium), IClassFixture<IsolatedTopologyFixture>
{
    protected override Task<ShopTopology> TopologyAsync() => Task.FromResult(topology.Topology);

    [Fact]
    public async Task WithTheProductsServiceStoppedTheStorefrontSaysTheCatalogueIsUnavailableAndRecoversWhenItIsBack()
    {
        var tag = NewTag();
        var clock = await Shop.CreateProductAsAdminAsync($"Wall clock {tag}", 24.00m, "EUR", stock: 4);
        await Store.OpenAsync($"/?search={tag}", "Products");
        await Expect(Store.ProductItem(clock.Name)).ToBeVisibleAsync();

        await Shop.StopResourceAsync(ShopServices.Products);
        try
        {
            await Page.ReloadAsync();
            await Expect(Store.Alert).ToContainTextAsync("is unavailable");
            await Expect(Store.Alert).ToContainTextAsync(TryAgain());
            await Expect(Store.ProductItem(clock.Name)).ToHaveCountAsync(0);
            Assert.DoesNotContain("Exception", await Page.ContentAsync(), StringComparison.Ordinal);
            await Page.AssertAccessibleAsync("the catalogue while the products service is away");

            await Page.GotoAsync($"/products/{clock.Id}");
            await Expect(Store.Alert).ToContainTextAsync("is unavailable");
            Assert.DoesNotContain("Exception", await Page.ContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await Shop.StartResourceAsync(ShopServices.Products);
        }

        // A person reloads until the page works again: the web app's calls may wait out a circuit breaker first.
        await Eventually.HoldsAsync(async () =>
        {
            await Page.GotoAsync($"/products/{clock.Id}");
            return await Store.Alert.CountAsync() == 0 && await Store.Button("Add to basket").CountAsync() == 1;
        }, "The product page still did not work after the products service came back.", TimeSpan.FromMinutes(2));
        await Store.ExpectHeadingAsync(clock.Name);
        await Expect(Store.Main.GetByText("Only 4 left", new() { Exact = true })).ToBeVisibleAsync();
        await Store.OpenAsync($"/?search={tag}", "Products");
        await Expect(Store.ProductItem(clock.Name)).ToBeVisibleAsync();
        await Expect(Store.Alert).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"Try again in \d+ seconds?")]
    private static partial Regex TryAgain();
}
