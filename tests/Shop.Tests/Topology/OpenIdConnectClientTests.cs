using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Shop.Tests.Infrastructure;
using static Shop.Tests.Infrastructure.OpenIdConnectClientApp;

namespace Shop.Tests.Topology;

/// <summary>
/// An OpenID Connect client that no one here wrote, ASP.NET Core's OpenID Connect handler in a web application of the
/// tests' own (<see cref="OpenIdConnectClientApp"/>), signs a person in at the users service as the standard has it,
/// from the discovery document fetched at the issuer's public address, and out again; a browser without JavaScript
/// goes where each of them sends it.
/// </summary>
public sealed class OpenIdConnectClientTests(OpenIdConnectClientFixture fixture) : IClassFixture<OpenIdConnectClientFixture>
{
    private ShopTopology Shop => fixture.Shop;

    private OpenIdConnectClientApp App => fixture.App;

    private Uri Issuer => Shop.AddressOf(ShopServices.Users);

    [Fact]
    public async Task APersonSignsInToTheAppWhichShowsTheirNameFromTheIdTokenAndTheirOrdersReadWithTheAccessToken()
    {
        var password = Guid.NewGuid().ToString("N");
        var person = await Shop.CreateCustomerAsync("Ingrid", password: password);
        var order = await Shop.PlacedOrderAsync(person.Id, ((await Shop.CreateProductAsAdminAsync()).Id, 1));
        using var browser = BrowserSession.Over(Issuer);

        var signIn = await browser.OpenAsync(App.Address);

        // The app sent the browser to the authorization endpoint that discovery named, with a PKCE challenge, and the
        // issuer sent it on to its sign-in page.
        var authorization = signIn.Trail[0].RedirectsTo!;
        Assert.Equal(new Uri(Issuer, ShopIdentity.AuthorizationPath), new Uri(authorization.GetLeftPart(UriPartial.Path)));
        var request = QueryHelpers.ParseQuery(authorization.Query);
        Assert.Equal((ClientId, "code", "S256"), (request["client_id"].ToString(), request["response_type"].ToString(), request["code_challenge_method"].ToString()));
        Assert.True(signIn.HasForm("Sign in"), $"{signIn} is not the sign-in page: {signIn.Text}");

        var home = await SignInAsync(browser, signIn, person.Email, password);

        Assert.Equal(App.Address, home.Url);
        Assert.Equal(("Ingrid", person.Email), (Element(home, NameElement), Element(home, EmailElement)));
        Assert.Equal("200", Element(home, OrdersStatusElement));
        Assert.Equal(order.Id.ToString(CultureInfo.InvariantCulture), Element(home, OrdersElement));
    }

    [Fact]
    public async Task SigningOutOfTheAppEndsTheSessionAtTheIssuerWhichRefusesTheAppsRefreshTokenAndAsksForThePasswordAgain()
    {
        var password = Guid.NewGuid().ToString("N");
        var person = await Shop.CreateCustomerAsync("Jonas", password: password);
        using var browser = BrowserSession.Over(Issuer);
        var home = await SignInAsync(browser, await browser.OpenAsync(App.Address), person.Email, password);
        Assert.Equal("Jonas", Element(home, NameElement));

        using var issuer = ShopTopology.ClientOf(Issuer);

        // The app sends the browser to the issuer's end-session endpoint, which asks the person to confirm.
        var confirmation = await browser.SubmitAsync(home.Form("Sign out"), new Dictionary<string, string>());
        var backAtTheApp = await browser.SubmitAsync(confirmation.Form("Sign out"), new Dictionary<string, string>());
        var signedOut = await FollowAsync(browser, backAtTheApp);

        Assert.Equal(new Uri(Issuer, ShopIdentity.EndSessionPath), new Uri(confirmation.Url.GetLeftPart(UriPartial.Path)));
        Assert.Equal(App.PostLogoutRedirectUri, backAtTheApp.RedirectEndpoint);
        Assert.Equal((HttpStatusCode.OK, "Signed out"), (signedOut.Status, signedOut.Text));
        Assert.Equal("invalid_grant", await (await App.Registration.RefreshAsync(issuer, App.RefreshTokenOf(person.Id))).ReadOAuthErrorAsync());
        var again = await browser.OpenAsync(App.Address);
        Assert.True(again.HasForm("Sign in"), $"After signing out, {again} is not the sign-in page: {again.Text}");
    }

    /// <summary>
    /// Signs in on <paramref name="signIn"/>, the issuer's page, and follows the browser back to the app: answers the page
    /// the app shows once the person is signed in.
    /// </summary>
    private async Task<BrowserPage> SignInAsync(BrowserSession browser, BrowserPage signIn, string email, string password)
    {
        // The handler asks for the code by form post (its default): the issuer answers a page whose form the browser
        // posts to the app, which a person without JavaScript sends with its button.
        var formPost = await browser.SubmitAsync(signIn.Form("Sign in"), new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        var form = Assert.Single(formPost.Document?.Forms ?? throw new Xunit.Sdk.XunitException($"{formPost} is no page: {formPost.Text}"));
        Assert.Equal(App.RedirectUri, new Uri(form.Action));
        var callback = await browser.SubmitAsync(form, new Dictionary<string, string>());
        var home = await FollowAsync(browser, callback);
        Assert.True(home.Status == HttpStatusCode.OK, $"{home}: {home.Text}");
        return home;
    }

    /// <summary>Follows <paramref name="page"/>'s redirects, to the app and to the issuer alike, as a browser does.</summary>
    private static async Task<BrowserPage> FollowAsync(BrowserSession browser, BrowserPage page)
    {
        for (var hops = 0; page.RedirectsTo is { } next; hops++)
        {
            Assert.True(hops < 10, $"Redirected in circles: {string.Join(" -> ", page.Trail.Select(step => step.Url))}");
            page = await browser.OpenAsync(next);
        }

        return page;
    }

    private static string Element(BrowserPage page, string id) =>
        page.Document?.GetElementById(id)?.TextContent.Trim() ?? throw new Xunit.Sdk.XunitException($"{page} has no element '{id}': {page.Text}");
}

/// <summary>
/// The app, listening first, and a topology of its own that registers it: the users service takes its applications
/// from the settings it starts with, and the app's address is known only once it listens.
/// </summary>
public sealed class OpenIdConnectClientFixture : IAsyncLifetime
{
    private OpenIdConnectClientApp? _app;
    private ShopTopology? _shop;

    public OpenIdConnectClientApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public ShopTopology Shop => _shop ?? throw new InvalidOperationException("The topology has not started.");

    public async ValueTask InitializeAsync()
    {
        _app = await OpenIdConnectClientApp.StartAsync();
        _shop = await ShopTopology.StartAsync(settings: [.. _app.AppHostSettings]);
        // The users service's public address is its issuer: discovery is read there, as a browser reaches it.
        _app.SignInAt(_shop.AddressOf(ShopServices.Users), _shop.AddressOf(ShopServices.Orders));
    }

    public async ValueTask DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
