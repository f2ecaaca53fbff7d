using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Run by the AppHost, the issuer is the users service's own address, the one a browser reaches: its discovery document
/// names it, with every endpoint and the key set under it, every token names it, and every service takes those tokens,
/// having fetched the keys inside the topology.
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

    /// <summary>The users service's address with a slash at the end, as the AppHost gives it to every service.</summary>
    private static string IssuerOf(ShopTopology shop) => new Uri(shop.AddressOf(ShopServices.Users), "/").AbsoluteUri;
}
