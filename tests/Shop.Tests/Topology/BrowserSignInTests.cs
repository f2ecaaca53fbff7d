using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// A person signs in to a browser application through the users service's pages, over the network as a browser
/// reaches them, and the other services take the token the code bought; sign-out ends what the sign-in began. The
/// application (<see cref="BrowserApp.Storefront"/>) is registered by the AppHost settings every test topology starts with.
/// </summary>
public sealed class BrowserSignInTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    private static readonly BrowserApp Storefront = BrowserApp.Storefront;

    [Fact]
    public async Task APersonSignedInByTheCodeFlowOrdersAndReadsProductsRefreshesAndAfterSignOutTheRefreshTokenIsRefused()
    {
        var password = Guid.NewGuid().ToString("N");
        var person = await Shop.As(Caller.Anonymous).Users.RegisterAsync("Bea", 35, password);
        var product = await Shop.CreateProductAsAdminAsync();
        var users = Shop.AddressOf(ShopServices.Users);
        using var browser = BrowserSession.Over(users);
        using var issuer = ShopTopology.ClientOf(users);
        var pkce = Pkce.Create();

        var back = await Storefront.SignInAsync(browser, pkce, person.Email, password, state: "topology");

        Assert.Equal("topology", back.RedirectParameters["state"]);
        var tokens = await (await Storefront.RedeemAsync(issuer, Storefront.CodeFrom(back), pkce.Verifier)).ReadTokensAsync();
        using (var signedIn = Shop.SessionWith(tokens.AccessToken))
        {
            var key = Guid.NewGuid().ToString("N");
            var order = await Eventually.ReturnsAsync(async () =>
            {
                var response = await signedIn.Orders.PlaceOrderAsync(key, (product.Id, 1));
                return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : await response.ReadAsync<OrderDto>(HttpStatusCode.Created);
            }, "The order was not placed.");
            Assert.Equal(person.Id, order.User?.Id);
            Assert.Equal(product.Name, (await signedIn.Products.GetAsync<ProductDto>($"/products/{product.Id}")).Name);
        }

        var refreshed = await (await Storefront.RefreshAsync(issuer, tokens.RefreshToken!)).ReadTokensAsync();
        using (var afterRefresh = Shop.SessionWith(refreshed.AccessToken))
        {
            var orders = await afterRefresh.Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders");
            Assert.Equal([person.Id], orders.Items.Select(order => order.UserId));
        }

        var confirmation = await browser.OpenAsync(Storefront.EndSession(users, tokens.IdToken!, state: "bye"));
        var signedOut = await browser.SubmitAsync(confirmation.Form("Sign out"), new Dictionary<string, string>());

        Assert.Equal(Storefront.PostLogoutRedirectUri, signedOut.RedirectEndpoint);
        Assert.Equal("bye", signedOut.RedirectParameters["state"]);
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(issuer, refreshed.RefreshToken!)).ReadOAuthErrorAsync());
    }
}
