using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Each service's OpenAPI document says how to sign in, and which operations need a token; its API reference page signs
/// people in at the issuer's page.
/// </summary>
public sealed class ApiDocumentTests(InProcessServicesFixture services)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheUsersDocumentSignsInAtItsOwnAddressAndLeavesRegistrationOpen()
    {
        var document = await DocumentAsync(services.Users.As(Caller.Anonymous));

        AssertSignsInAt(document, "http://localhost/");
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

        AssertSignsInAt(productsDocument, $"{FakePeers.UsersAddress}/");
        AssertSignsInAt(ordersDocument, $"{FakePeers.UsersAddress}/");
        Assert.Equal(13, ProtectedOperations(productsDocument).Count);
        Assert.Equal(["GET /orders", "POST /orders", "GET /orders/{id}", "POST /orders/{id}/cancel",
            "POST /webhooks", "GET /webhooks", "DELETE /webhooks/{id}", "GET /webhooks/{id}/deliveries", "POST /webhooks/deliveries/{id}/replay",
            "GET /events/dead-letters", "POST /events/dead-letters/{id}/replay"], ProtectedOperations(ordersDocument));
    }

    [Fact]
    public async Task TheDocumentSignsInAtTheIssuersPublicAddressWhenOneIsSet()
    {
        await using var products = new ProductsServiceHost((ShopIdentity.IssuerSetting, "https://shop.example/identity"));

        var document = await DocumentAsync(products.As(Caller.Anonymous));

        AssertSignsInAt(document, "https://shop.example/identity/");
    }

    [Fact]
    public async Task TheApiReferenceSignsInWithTheAuthorizationCodeAndPkceAndComesBackToItself()
    {
        using var anonymous = services.Products.As(Caller.Anonymous);

        var configuration = await ApiReferenceConfigurationAsync(anonymous, $"http://localhost:5102{ShopIdentity.ApiReferencePath}");

        Assert.Equal(["oauth2"], configuration.GetProperty("authentication").GetProperty("preferredSecurityScheme").EnumerateArray().Select(scheme => scheme.GetString()));
        var flow = AuthorizationCodeFlow(configuration);
        // Scalar's name for PKCE with S256, the only method the issuer accepts.
        Assert.Equal("SHA-256", flow.GetProperty("x-usePkce").GetString());
        Assert.Equal(ShopIdentity.ApiReferenceClient, flow.GetProperty("x-scalar-client-id").GetString());
        Assert.Equal($"http://localhost:5102{ShopIdentity.ApiReferencePath}", flow.GetProperty("x-scalar-redirect-uri").GetString());
        Assert.Equal(["openid", "profile", "email", "offline_access"], flow.GetProperty("selectedScopes").EnumerateArray().Select(scope => scope.GetString()));
        Assert.False(flow.TryGetProperty("clientSecret", out _));
    }

    [Fact]
    public async Task TheIssuerSendsTheCodeBackToTheApiReferencePageItself()
    {
        using var anonymous = services.Orders.As(Caller.Anonymous);

        // Where the issuer redirects after a sign-in: the page answers there, on its own origin, where Scalar reads the code.
        var configuration = await ApiReferenceConfigurationAsync(anonymous, $"{ShopIdentity.ApiReferencePath}?code=a-code&state=a-state");

        Assert.Equal($"http://localhost{ShopIdentity.ApiReferencePath}", AuthorizationCodeFlow(configuration).GetProperty("x-scalar-redirect-uri").GetString());
    }

    [Fact]
    public async Task TheIssuerTakesTheApiReferencesSignInAndAsksWhoIsSigningIn()
    {
        var redirectUri = $"http://localhost{ShopIdentity.ApiReferencePath}";
        await using var users = new UsersServiceHost(settings: ($"Identity:Applications:{ShopIdentity.ApiReferenceClient}:RedirectUris:0", redirectUri));
        using var anonymous = users.As(Caller.Anonymous);
        var document = await anonymous.GetAsync<JsonElement>("/openapi/v1.json");
        var flow = AuthorizationCodeFlow(await ApiReferenceConfigurationAsync(anonymous, ShopIdentity.ApiReferencePath));

        // The authorization request Scalar opens in its window, from what the page and the document give it.
        var authorizationUrl = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2").GetProperty("flows")
            .GetProperty("authorizationCode").GetProperty("authorizationUrl").GetString();
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = flow.GetProperty("x-scalar-client-id").GetString(),
            ["redirect_uri"] = flow.GetProperty("x-scalar-redirect-uri").GetString(),
            ["scope"] = string.Join(' ', flow.GetProperty("selectedScopes").EnumerateArray().Select(scope => scope.GetString())),
            ["state"] = "a-state",
            ["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(new string('v', 43)))),
            ["code_challenge_method"] = "S256"
        });
        var response = await anonymous.GetAsync($"{authorizationUrl}{query}", Cancellation);

        // The client, its redirect URI, its scopes and its challenge are all good: only the person is yet unknown.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/signin", new Uri(new Uri(redirectUri), response.Headers.Location!).AbsolutePath);
    }

    [Theory]
    [InlineData("http://localhost:5103", true)]
    [InlineData("http://127.0.0.1:5102", true)]
    [InlineData("https://shop.example", false)]
    public async Task TheTokenEndpointLetsTheLocalApiReferencePagesExchangeTheirCodes(string origin, bool allowed)
    {
        using var anonymous = services.Users.As(Caller.Anonymous);
        // What Scalar posts once the issuer sent the code back: a form, with no header that calls for a preflight.
        using var request = new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = ShopIdentity.ApiReferenceClient,
                ["code"] = "a code the issuer never gave",
                ["redirect_uri"] = $"{origin}{ShopIdentity.ApiReferencePath}",
                ["code_verifier"] = new string('v', 43)
            })
        };
        request.Headers.Add("Origin", origin);

        var response = await anonymous.SendAsync(request, Cancellation);

        // The page reads the issuer's refusal too, to show it.
        Assert.False(response.IsSuccessStatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).TryGetProperty("error", out _));
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowedOrigins) && allowedOrigins.Single() == origin);
    }

    private static async Task<JsonElement> DocumentAsync(HttpClient client)
    {
        using (client)
        {
            return await client.GetAsync<JsonElement>("/openapi/v1.json");
        }
    }

    /// <summary>
    /// People sign in with the authorization code flow at <paramref name="issuer"/>, never with a password typed into a
    /// client; services with client credentials at the same token endpoint.
    /// </summary>
    private static void AssertSignsInAt(JsonElement document, string issuer)
    {
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2");
        Assert.Equal("oauth2", scheme.GetProperty("type").GetString());
        var flows = scheme.GetProperty("flows");
        Assert.Equal(["authorizationCode", "clientCredentials"], flows.EnumerateObject().Select(flow => flow.Name).Order());
        var tokenUrl = $"{issuer}connect/token";
        var authorizationCode = flows.GetProperty("authorizationCode");
        Assert.Equal($"{issuer}connect/authorize", authorizationCode.GetProperty("authorizationUrl").GetString());
        Assert.Equal(tokenUrl, authorizationCode.GetProperty("tokenUrl").GetString());
        Assert.Equal(tokenUrl, authorizationCode.GetProperty("refreshUrl").GetString());
        Assert.Equal(["email", "offline_access", "openid", "profile"],
            authorizationCode.GetProperty("scopes").EnumerateObject().Select(s => s.Name).Order());
        Assert.All(authorizationCode.GetProperty("scopes").EnumerateObject(), s => Assert.False(string.IsNullOrWhiteSpace(s.Value.GetString())));
        Assert.Equal(tokenUrl, flows.GetProperty("clientCredentials").GetProperty("tokenUrl").GetString());
        Assert.Equal(["catalog.read", "reservations", "users.read"],
            flows.GetProperty("clientCredentials").GetProperty("scopes").EnumerateObject().Select(s => s.Name).Order());
    }

    /// <summary>
    /// The configuration the API reference page hands Scalar, as served at <paramref name="address"/>: the page's script
    /// passes it as a JSON object to <c>initialize(path, dynamicBaseServerUrl, configuration, module)</c>.
    /// </summary>
    private static async Task<JsonElement> ApiReferenceConfigurationAsync(HttpClient client, string address)
    {
        var response = await client.GetAsync(address, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Cancellation);
        var call = page.IndexOf("initialize(", StringComparison.Ordinal);
        Assert.True(call >= 0, $"The API reference page does not call initialize:\n{page}");
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(page[page.IndexOf('{', call)..]));
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>The only flow the page configures: the document gives Scalar the others as they are.</summary>
    private static JsonElement AuthorizationCodeFlow(JsonElement configuration)
    {
        var flows = configuration.GetProperty("authentication").GetProperty("securitySchemes").GetProperty("oauth2").GetProperty("flows");
        Assert.Equal(["authorizationCode"], flows.EnumerateObject().Select(flow => flow.Name));
        return flows.GetProperty("authorizationCode");
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
