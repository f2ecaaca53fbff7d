using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>
/// What a person left in the shop outlasts the shop's processes, on a topology of this class's own (the web app and the
/// cache are restarted): a basket is kept across a restart of the web app and of the cache, and a session that has ended
/// sends the person to sign in and back to the page they were on.
/// </summary>
public sealed class StorefrontSessionTests(IsolatedTopologyFixture topology, ChromiumFixture chromium)
    : StorefrontTests(chromium), IClassFixture<IsolatedTopologyFixture>, IClassFixture<ChromiumFixture>
{
    protected override Task<ShopTopology> TopologyAsync() => Task.FromResult(topology.Topology);

    [Fact]
    public async Task AVisitorsBasketOutlivesARestartOfTheWebAppAndOfTheCache()
    {
        var tag = NewTag();
        var kettle = await Shop.CreateProductAsAdminAsync($"Kettle {tag}", 31.00m, "EUR", stock: 9);
        await Store.OpenAsync($"/products/{kettle.Id}", kettle.Name);
        await Store.AddToBasketAsync(3);

        await Shop.StopResourceAsync(ShopServices.Web);
        await Shop.StopResourceAsync(ShopResources.Cache);
        await Shop.StartResourceAsync(ShopResources.Cache);
        await Shop.StartResourceAsync(ShopServices.Web);

        await Store.OpenAsync("/basket", "Your basket");
        await Expect(Store.QuantityOf(kettle.Name)).ToHaveValueAsync("3");
        await Expect(Store.BasketLink).ToHaveAccessibleNameAsync("Basket (3)");
    }

    [Fact]
    public async Task APersonWhoseSessionEndedSignsInAgainAndComesBackToThePageTheyWereOn()
    {
        var (user, password) = await RegisteredCustomerAsync("Noor");
        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(user.Email, password, user.Name);
        await Store.OpenAsync("/orders", "My orders");

        // Both sessions end, at the web app and at the issuer, as they do when their time is up.
        await (await Shop.DatabaseAsync(ShopResources.WebDatabase)).ExecuteAsync("DELETE FROM \"SignInSessions\"");
        await (await Shop.DatabaseAsync(ShopResources.UsersDatabase)).ExecuteAsync("DELETE FROM \"IssuerSessions\"");

        await Page.ReloadAsync();
        await Store.SignInAsync(user.Email, password);

        await Expect(Page).ToHaveURLAsync(Storefront.PathIs("/orders"));
        await Store.ExpectHeadingAsync("My orders");
        await Store.ExpectSignedInAsync(user.Name);
    }
}
