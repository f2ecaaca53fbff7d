using System.Net;
using System.Text.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>Each service's OpenAPI document says how to sign in, and which operations need a token.</summary>
public sealed class ApiDocumentTests(InProcessServicesFixture services)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheUsersDocumentSignsInAtItsOwnTokenEndpointAndLeavesRegistrationOpen()
    {
        var document = await DocumentAsync(services.Users.As(Caller.Anonymous));

        AssertSignsInAt(document, $"http://localhost{ShopIdentity.TokenPath}");
        Assert.Equal(["GET /users", "GET /users/{id}", "PUT /users/{id}", "DELETE /users/{id}", "PUT /users/me/password", "GET /signing-keys",
            "POST /signing-keys", "DELETE /signing-keys/{keyId}"],
            ProtectedOperations(document));
        Assert.False(Operation(document, "POST", "/users").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task TheProductsAndOrdersDocumentsSignInAtTheUsersServiceAndProtectEveryOperation()
    {
        var productsDocument = await DocumentAsync(services.Products.As(Caller.Anonymous));
        var ordersDocument = await DocumentAsync(services.Orders.As(Caller.Anonymous));

        AssertSignsInAt(productsDocument, $"{FakePeers.UsersAddress}{ShopIdentity.TokenPath}");
        AssertSignsInAt(ordersDocument, $"{FakePeers.UsersAddress}{ShopIdentity.TokenPath}");
        Assert.Equal(11, ProtectedOperations(productsDocument).Count);
        Assert.Equal(["GET /orders", "POST /orders", "GET /orders/{id}", "POST /orders/{id}/cancel"], ProtectedOperations(ordersDocument));
    }

    [Theory]
    [InlineData("http://localhost:5103", true)]
    [InlineData("http://127.0.0.1:5102", true)]
    [InlineData("https://shop.example", false)]
    public async Task TheTokenEndpointLetsTheLocalApiReferencePagesSignIn(string origin, bool allowed)
    {
        using var anonymous = services.Users.As(Caller.Anonymous);
        using var request = new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = UsersServiceHost.AdminEmail,
                ["password"] = UsersServiceHost.AdminPassword
            })
        };
        request.Headers.Add("Origin", origin);

        var response = await anonymous.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowedOrigins) && allowedOrigins.Single() == origin);
    }

    private static async Task<JsonElement> DocumentAsync(HttpClient client)
    {
        using (client)
        {
            return await client.GetAsync<JsonElement>("/openapi/v1.json");
        }
    }

    private static void AssertSignsInAt(JsonElement document, string tokenUrl)
    {
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2");
        Assert.Equal("oauth2", scheme.GetProperty("type").GetString());
        var flows = scheme.GetProperty("flows");
        Assert.Equal(tokenUrl, flows.GetProperty("password").GetProperty("tokenUrl").GetString());
        Assert.Equal(tokenUrl, flows.GetProperty("clientCredentials").GetProperty("tokenUrl").GetString());
        Assert.Equal(["catalog.read", "reservations", "users.read"],
            flows.GetProperty("clientCredentials").GetProperty("scopes").EnumerateObject().Select(s => s.Name).Order());
    }

    /// <summary>The operations that name the oauth2 scheme, as "METHOD /path", in document order.</summary>
    private static List<string> ProtectedOperations(JsonElement document) =>
    [
        .. from path in document.GetProperty("paths").EnumerateObject()
           from operation in path.Value.EnumerateObject()
           where operation.Value.TryGetProperty("security", out var security)
               && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("oauth2", out _))
               && operation.Value.GetProperty("responses").TryGetProperty("401", out _)
           select $"{operation.Name.ToUpperInvariant()} {path.Name}"
    ];

    private static JsonElement Operation(JsonElement document, string method, string path) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
}
