using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A web application of the tests' own, on Kestrel at a loopback port, that signs people in at the users service with
/// ASP.NET Core's OpenID Connect handler, a client no one here wrote: it reads the issuer's discovery document over the
/// network, sends the person there with a PKCE challenge, redeems the code as a public client, checks the ID token,
/// keeps the tokens in its own cookie, and calls the orders service with the access token. Its home page shows whom
/// the ID token names and the orders the orders service lists for them.
/// </summary>
/// <remarks>
/// It listens before the topology starts, because the users service registers its applications, redirect addresses
/// and all, from the settings it starts with (<see cref="AppHostSettings"/>); it learns where the issuer is once the
/// topology runs (<see cref="SignInAt"/>), which the handler first asks at the first sign-in.
/// </remarks>
public sealed class OpenIdConnectClientApp : IAsyncDisposable
{
    public const string ClientId = "oidc-client-test";

    /// <summary>The home page's elements a test reads: whom the ID token names, and what the orders service answered.</summary>
    public const string NameElement = "name", EmailElement = "email", OrdersStatusElement = "orders-status", OrdersElement = "order-ids";

    private const string SignOutPath = "/signout";
    private const string SignedOutPath = "/signed-out";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();
    private Uri? _issuer;
    private HttpClient? _orders;

    private OpenIdConnectClientApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // Its cookies live as long as this process, and nothing of it is written to the account's home folder.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            // Configured at the first sign-in, when the issuer is known, rather than when the application is built.
            .AddOpenIdConnect(ConfigureOpenIdConnect);
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/", HomeAsync).RequireAuthorization();
        _app.MapPost(SignOutPath, SignOut).RequireAuthorization();
        _app.MapGet(SignedOutPath, () => TypedResults.Content("<!doctype html><h1>Signed out</h1>", "text/html"));
    }

    /// <summary>The application's own address, such as <c>http://127.0.0.1:40123/</c>; its home page.</summary>
    public Uri Address => new(_app.Urls.Single() + "/");

    /// <summary>Where the issuer sends the person back with a code: the handler's default callback path.</summary>
    public Uri RedirectUri => new(Address, "signin-oidc");

    /// <summary>Where the issuer sends the person back after signing out: the handler's default.</summary>
    public Uri PostLogoutRedirectUri => new(Address, "signout-callback-oidc");

    /// <summary>The AppHost settings that register this application at the users service, as a public client.</summary>
    public IEnumerable<string> AppHostSettings =>
    [
        $"Identity:Applications:{ClientId}:RedirectUris:0={RedirectUri.AbsoluteUri}",
        $"Identity:Applications:{ClientId}:PostLogoutRedirectUris:0={PostLogoutRedirectUri.AbsoluteUri}"
    ];

    /// <summary>Starts the application on a loopback port the system chooses.</summary>
    public static async Task<OpenIdConnectClientApp> StartAsync()
    {
        var app = new OpenIdConnectClientApp();
        await app._app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    /// <summary>This application as the tests' other browser applications are described, for its requests to the token endpoint.</summary>
    public BrowserApp Registration => new(ClientId, RedirectUri, PostLogoutRedirectUri);

    /// <summary>The refresh token the application was last given for the person <paramref name="userId"/>, which it keeps in its cookie.</summary>
    public string RefreshTokenOf(int userId) =>
        _refreshTokens.TryGetValue(userId.ToString(CultureInfo.InvariantCulture), out var token)
            ? token
            : throw new InvalidOperationException($"The application was given no refresh token for {userId}.");

    /// <summary>Names the issuer people sign in at, and the orders service the application calls for them; before the first sign-in.</summary>
    public void SignInAt(Uri issuer, Uri orders)
    {
        _issuer = issuer;
        _orders = new HttpClient { BaseAddress = orders };
    }

    private void ConfigureOpenIdConnect(OpenIdConnectOptions options)
    {
        options.Authority = (_issuer ?? throw new InvalidOperationException("The application was not told where the issuer is.")).AbsoluteUri;
        // The issuer of a test topology is served over plain http, on loopback.
        options.RequireHttpsMetadata = false;
        options.ClientId = ClientId;
        options.ResponseType = "code";
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in BrowserApp.PersonScopes.Split(' '))
        {
            options.Scope.Add(scope);
        }

        options.SaveTokens = true;
        // The claims as the ID token names them (name, email), not mapped to the framework's long claim types.
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = "name";
        // Recorded as well, so that a test can see what became of it after a sign-out.
        options.Events.OnTokenValidated = context =>
        {
            if (context.Principal?.FindFirstValue("sub") is { } subject && context.TokenEndpointResponse?.RefreshToken is { } refreshToken)
            {
                _refreshTokens[subject] = refreshToken;
            }

            return Task.CompletedTask;
        };
        // A failed sign-in is shown on the page, so that a test that meets one reads why.
        options.Events.OnRemoteFailure = async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync($"Signing in failed: {context.Failure?.Message}", context.HttpContext.RequestAborted);
        };
    }

    private async Task<ContentHttpResult> HomeAsync(HttpContext context, ClaimsPrincipal user)
    {
        var orders = _orders ?? throw new InvalidOperationException("The application was not told where the orders service is.");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await context.GetTokenAsync("access_token"));
        using var response = await orders.SendAsync(request, context.RequestAborted);
        var listed = response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<PageDto<OrderSummaryDto>>(JsonSerializerOptions.Web, context.RequestAborted))!.Items
            : [];

        var html = HtmlEncoder.Default;
        return TypedResults.Content(
            $"""
            <!doctype html>
            <h1>Hello, <span id="{NameElement}">{html.Encode(user.Identity?.Name ?? "")}</span></h1>
            <p>Signed in as <span id="{EmailElement}">{html.Encode(user.FindFirstValue("email") ?? "")}</span></p>
            <p>The orders service answered <span id="{OrdersStatusElement}">{(int)response.StatusCode}</span>.</p>
            <ul id="{OrdersElement}">{string.Concat(listed.Select(order => $"<li>{order.Id}</li>"))}</ul>
            <form method="post" action="{SignOutPath}"><button type="submit">Sign out</button></form>
            """,
            "text/html");
    }

    /// <summary>Signs out of the application and, through the issuer's end-session endpoint, of the issuer.</summary>
    private static SignOutHttpResult SignOut() =>
        TypedResults.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);

    public async ValueTask DisposeAsync()
    {
        _orders?.Dispose();
        await _app.DisposeAsync();
    }
}
