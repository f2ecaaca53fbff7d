using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A browser application registered at the issuer as a public client (<c>Identity:Applications:&lt;id&gt;</c>): where its
/// sign-ins and sign-outs come back to, and the requests it makes, to the authorization endpoint through the person's
/// browser and to the token endpoint from itself. Its redirect URIs are on hosts that never resolve: a browser
/// session stops at the redirect to them, and the test reads what the application would.
/// </summary>
public sealed record BrowserApp(string ClientId, Uri RedirectUri, Uri PostLogoutRedirectUri)
{
    /// <summary>What a browser application asks for a person: an id token, their profile and email, and a refresh token.</summary>
    public const string PersonScopes = "openid profile email offline_access";

    public static BrowserApp Storefront { get; } = new("storefront-test", new("https://storefront.test/signed-in"), new("https://storefront.test/signed-out"));

    /// <summary>A second application, for signing in once and being known at both.</summary>
    public static BrowserApp BackOffice { get; } = new("back-office-test", new("https://back-office.test/signed-in"), new("https://back-office.test/signed-out"));

    /// <summary>The users service's settings that register <see cref="Storefront"/> and <see cref="BackOffice"/>.</summary>
    public static IReadOnlyList<(string Key, string Value)> Registrations { get; } = [.. Storefront.Settings, .. BackOffice.Settings];

    /// <summary><see cref="Registrations"/> as AppHost settings, which the AppHost passes on to the users service.</summary>
    public static IEnumerable<string> AppHostSettings => Registrations.Select(setting => $"{setting.Key}={setting.Value}");

    private IEnumerable<(string Key, string Value)> Settings =>
    [
        ($"Identity:Applications:{ClientId}:RedirectUris:0", RedirectUri.AbsoluteUri),
        ($"Identity:Applications:{ClientId}:PostLogoutRedirectUris:0", PostLogoutRedirectUri.AbsoluteUri)
    ];

    /// <summary>An authorization request for a person, with PKCE (S256) from <paramref name="pkce"/>.</summary>
    public AuthorizationRequest Authorization(Pkce pkce, string? state, string? nonce = null) =>
        new(ClientId, RedirectUri.AbsoluteUri, PersonScopes, state, nonce, pkce.Challenge, "S256");

    /// <summary>The end-session request that signs the person out of the issuer and comes back to this application.</summary>
    public Uri EndSession(Uri origin, string idToken, string state) =>
        new(QueryHelpers.AddQueryString(new Uri(origin, ShopIdentity.EndSessionPath).AbsoluteUri, new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = PostLogoutRedirectUri.AbsoluteUri,
            ["state"] = state
        }));

    /// <summary>
    /// Opens an authorization request in <paramref name="browser"/>, signs in on the sign-in page it is sent to, and
    /// answers the last page: the redirect back to this application, when the sign-in succeeds.
    /// </summary>
    public async Task<BrowserPage> SignInAsync(BrowserSession browser, Pkce pkce, string email, string password, string? state = "state")
    {
        var signIn = await browser.OpenAsync(Authorization(pkce, state).At(browser.Origin));
        return await browser.SubmitAsync(signIn.Form("Sign in"), new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
    }

    /// <summary>Signs in as <see cref="SignInAsync(BrowserSession, Pkce, string, string, string?)"/> does and redeems the code for tokens.</summary>
    public async Task<TokenSet> SignInForTokensAsync(BrowserSession browser, HttpClient issuer, string email, string password)
    {
        var pkce = Pkce.Create();
        var back = await SignInAsync(browser, pkce, email, password);
        return await (await RedeemAsync(issuer, CodeFrom(back), pkce.Verifier)).ReadTokensAsync();
    }

    /// <summary>Asserts that <paramref name="page"/> sends the browser back to this application with a code, and answers the code.</summary>
    public string CodeFrom(BrowserPage page)
    {
        Assert.True(page.RedirectEndpoint == RedirectUri, $"Expected a redirect to {RedirectUri}, got {page}: {page.Text}");
        return page.RedirectParameters.TryGetValue("code", out var code) ? code : throw new Xunit.Sdk.XunitException($"{page} carries no code.");
    }

    /// <summary>Exchanges an authorization code at the token endpoint; the response is the caller's to check.</summary>
    public Task<HttpResponseMessage> RedeemAsync(HttpClient issuer, string code, string codeVerifier, string? redirectUri = null) =>
        TokenRequestAsync(issuer, new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["code"] = code,
            ["code_verifier"] = codeVerifier,
            ["redirect_uri"] = redirectUri ?? RedirectUri.AbsoluteUri
        });

    /// <summary>Exchanges a refresh token at the token endpoint; the response is the caller's to check.</summary>
    public Task<HttpResponseMessage> RefreshAsync(HttpClient issuer, string refreshToken) =>
        TokenRequestAsync(issuer, new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = ClientId,
            ["refresh_token"] = refreshToken
        });

    private static Task<HttpResponseMessage> TokenRequestAsync(HttpClient issuer, Dictionary<string, string> parameters) =>
        issuer.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(parameters), TestContext.Current.CancellationToken);
}

/// <summary>
/// An OAuth authorization request as a browser application sends it to <c>/connect/authorize</c>; each part may be
/// changed (<c>with { CodeChallengeMethod = "plain" }</c>) or left out (null) to see it refused.
/// </summary>
public sealed record AuthorizationRequest(
    string ClientId, string RedirectUri, string Scope, string? State, string? Nonce, string? CodeChallenge, string? CodeChallengeMethod)
{
    public string ResponseType { get; init; } = "code";

    /// <summary>More parameters, such as <c>prompt=none</c>.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>The request's address at the issuer whose origin is <paramref name="origin"/>.</summary>
    public Uri At(Uri origin)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["response_type"] = ResponseType,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = Scope,
            ["state"] = State,
            ["nonce"] = Nonce,
            ["code_challenge"] = CodeChallenge,
            ["code_challenge_method"] = CodeChallengeMethod
        };
        foreach (var (key, value) in Extra)
        {
            parameters[key] = value;
        }

        return new(QueryHelpers.AddQueryString(new Uri(origin, ShopIdentity.AuthorizationPath).AbsoluteUri,
            parameters.Where(parameter => parameter.Value is not null)));
    }
}

/// <summary>A PKCE pair (RFC 7636): the verifier the application keeps, and its S256 challenge, which it sends ahead.</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce Create()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new(verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}

/// <summary>A successful token response, its tokens' claims read as an application reads them.</summary>
public sealed record TokenSet(string AccessToken, string? RefreshToken, string? IdToken, string TokenType, int ExpiresIn)
{
    /// <summary>The access token's claims (it is a JWT that every service checks itself).</summary>
    public JsonWebToken Access => new(AccessToken);

    /// <summary>The id token's claims; the response must have one.</summary>
    public JsonWebToken Identity => new(IdToken ?? throw new InvalidOperationException("The response has no id_token."));
}

public static class TokenResponses
{
    /// <summary>Asserts a 200 from the token endpoint and reads its tokens.</summary>
    public static async Task<TokenSet> ReadTokensAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 with tokens, got {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new(
            json.GetProperty("access_token").GetString()!,
            json.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            json.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            json.GetProperty("token_type").GetString()!,
            json.GetProperty("expires_in").GetInt32());
    }

    /// <summary>Asserts an OAuth error response (RFC 6749, 5.2) with <paramref name="expected"/>, and answers its <c>error</c>.</summary>
    public static async Task<string> ReadOAuthErrorAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
    }
}
