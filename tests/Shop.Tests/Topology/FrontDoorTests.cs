using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The web app is the shop's one public entry: it shows the catalogue to anyone, forwards each service's public API under
/// <c>/api/</c> and the issuer's routes as they are, and never a route between services, however the address is spelled.
/// </summary>
public sealed class FrontDoorTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task EachServicesPublicApiAnswersUnderApiWithTheCallersOwnToken()
    {
        var customer = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(name: "Front door lamp");
        using var web = WebClient(Shop.As(Caller.Customer(customer.Id)).AccessToken);

        var read = await web.GetFromJsonAsync<JsonElement>($"/api/products/{product.Id}", Cancellation);
        Assert.Equal("Front door lamp", read.GetProperty("name").GetString());
        Assert.Equal(customer.Email, (await web.GetFromJsonAsync<JsonElement>($"/api/users/{customer.Id}", Cancellation)).GetProperty("email").GetString());
        var placed = await web.PostAsJsonAsync("/api/orders", new { lines = new[] { new { productId = product.Id, quantity = 1 } } }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/api/orders", Cancellation)).StatusCode);

        using var anonymous = WebClient(null);
        var refused = await anonymous.GetAsync("/api/orders", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/reservations/1")]
    [InlineData("/api/reservations")]
    [InlineData("/api/products/../reservations/1")]
    [InlineData("/api/products/%2e%2e/reservations/1")]
    [InlineData("/api/products/..%2Freservations/1")]
    [InlineData("/api/health")]
    [InlineData("/api/products/../../reservations/1")]
    public async Task RoutesBetweenServicesAreNotForwardedEvenWithAServiceToken(string path)
    {
        using var web = WebClient(Shop.As(Caller.Service(ShopScopes.Reservations)).AccessToken);

        var response = await web.GetAsync(path, Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("orderId", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Healthy", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheIssuersDiscoveryDocumentIsForwardedAsItIs()
    {
        using var web = WebClient(null);
        using var users = ShopTopology.ClientOf(Shop.AddressOf(ShopServices.Users));

        var forwarded = await web.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Cancellation);
        var direct = await users.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Cancellation);

        Assert.Equal(direct.GetProperty("issuer").GetString(), forwarded.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task AVisitorSeesAndSearchesTheCatalogueWithoutSigningIn()
    {
        var name = $"Lantern {Guid.NewGuid():N}"[..20];
        await Shop.CreateProductAsAdminAsync(name: name, stock: 3);
        using var web = WebClient(null);

        var page = await web.GetStringAsync(QueryHelpers.AddQueryString("/", "search", name), Cancellation);

        Assert.Contains(name, page, StringComparison.Ordinal);
        Assert.Contains("Only 3 left", page, StringComparison.Ordinal);
        var none = await web.GetStringAsync(QueryHelpers.AddQueryString("/", "search", "no such thing " + Guid.NewGuid().ToString("N")), Cancellation);
        Assert.Contains("No products match", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckingOutSendsAVisitorToSignInAtTheIssuerWithPkce()
    {
        using var web = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Shop.AddressOf(ShopServices.Web) };

        var response = await web.GetAsync("/checkout", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(new Uri(Shop.AddressOf(ShopServices.Users), ShopIdentity.AuthorizationPath).AbsoluteUri, location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(ShopServices.Web, query["client_id"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal(new Uri(Shop.AddressOf(ShopServices.Web), "/signin-oidc").AbsoluteUri, query["redirect_uri"].ToString());
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), cookie => cookie.Contains("token", StringComparison.OrdinalIgnoreCase));
    }

    private HttpClient WebClient(string? accessToken) => ShopTopology.ClientOf(Shop.AddressOf(ShopServices.Web), accessToken);
}
