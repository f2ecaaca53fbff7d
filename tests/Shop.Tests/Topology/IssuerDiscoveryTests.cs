using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Run by the AppHost, the issuer is the users service's own address, the one a browser reaches: its discovery document
/// names it, with every endpoint and the key set under it, every token names it, and every service takes those tokens,
/// having fetched the keys inside the topology. The API reference page of every service is registered there as where
/// its client signs in to.
/// </summary>
public sealed class IssuerDiscoveryTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task TheDiscoveryDocumentNamesTheUsersServicesAddressAsTheIssuerWithEverythingUnderIt()
    {
        var issuer = IssuerOf(Shop);
        using var users = ShopTopology.ClientOf(Shop.AddressOf(ShopServices.Users));

        var discovery = await users.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Cancellation);

        Assert.Equal(issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal($"{issuer}.well-known/jwks", discovery.GetProperty("jwks_uri").GetString());
        Assert.Equal(new Uri(new Uri(issuer), ShopIdentity.AuthorizationPath).AbsoluteUri, discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(new Uri(issuer), ShopIdentity.TokenPath).AbsoluteUri, discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(new Uri(issuer), ShopIdentity.EndSessionPath).AbsoluteUri, discovery.GetProperty("end_session_endpoint").GetString());
    }

    [Fact]
    public async Task PeoplesAndServicesTokensNameTheIssuerAndEveryServiceTakesThem()
    {
        var issuer = IssuerOf(Shop);
        var customer = await Shop.CreateCustomerAsync();
        var session = Shop.As(Caller.Customer(customer.Id));

        Assert.Equal(issuer, new JsonWebToken(session.AccessToken).Issuer);
        Assert.Equal(issuer, new JsonWebToken(Shop.As(Caller.Service()).AccessToken).Issuer);
        Assert.Equal(HttpStatusCode.OK, (await session.Users.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Products.GetAsync("/products", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Orders.GetAsync("/orders", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task EachServicesApiReferencePageIsWhereTheApiReferenceClientMaySignInToAndNothingElse()
    {
        // A browser's first step, whose redirect is read rather than followed.
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Shop.AddressOf(ShopServices.Users) };

        foreach (var service in ShopServices.All)
        {
            var page = new Uri(Shop.AddressOf(service), ShopIdentity.ApiReferencePath).AbsoluteUri;
            var response = await browser.GetAsync(ApiReferenceAuthorization(page), Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect
                && new Uri(browser.BaseAddress!, response.Headers.Location!).AbsolutePath == "/account/signin",
                $"{service}'s API reference cannot sign in: {(int)response.StatusCode} {response.Headers.Location}");
        }

        var elsewhere = await browser.GetAsync(ApiReferenceAuthorization("http://localhost:1/scalar/"), Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
    }

    private static string ApiReferenceAuthorization(string redirectUri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(ShopIdentity.AuthorizationPath, new Dictionary<string, string?>
        {
            ["client_id"] = ShopIdentity.ApiReferenceClient,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid",
            ["state"] = "topology",
            ["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ["code_challenge_method"] = "S256"
        });

    /// <summary>The users service's address with a slash at the end, as the AppHost gives it to every service.</summary>
    private static string IssuerOf(ShopTopology shop) => new Uri(shop.AddressOf(ShopServices.Users), "/").AbsoluteUri;
}
