using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;

namespace Shop.Web.SignIn;

/// <summary>
/// Renews a person's access token with their refresh token shortly before it expires, on the request that finds it so.
/// A refresh token the issuer refuses (it expired, the person signed out elsewhere, the account is gone) ends the
/// web app's session too: the person signs in again. An issuer that cannot be reached leaves the session as it is.
/// </summary>
public sealed class TokenRefresh(IHttpClientFactory factory, IOptions<ServiceIdentityOptions> identity, TimeProvider clock, ILogger<TokenRefresh> logger)
{
    /// <summary>How long before its expiry an access token is renewed.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        if (!DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry)
            || clock.GetUtcNow() < expiry - Margin)
        {
            return;
        }

        if (refreshToken is null)
        {
            await EndAsync(context);
            return;
        }

        TokenResponse? tokens;
        try
        {
            tokens = await RedeemAsync(refreshToken, context.HttpContext.RequestAborted);
        }
        catch (DependencyUnavailableException exception)
        {
            logger.LogWarning(exception, "Could not renew an access token: the issuer is unavailable");
            return;
        }

        if (tokens is null)
        {
            await EndAsync(context);
            return;
        }

        context.Properties.UpdateTokenValue("access_token", tokens.AccessToken);
        context.Properties.UpdateTokenValue("refresh_token", tokens.RefreshToken ?? refreshToken);
        context.Properties.UpdateTokenValue("expires_at",
            (clock.GetUtcNow() + TimeSpan.FromSeconds(tokens.ExpiresIn)).ToString("o", CultureInfo.InvariantCulture));
        if (context.Principal?.Identity is ClaimsIdentity person)
        {
            // A role changed since the last token shows now.
            WebSignIn.AddRoles(person, tokens.AccessToken);
        }

        context.ShouldRenew = true;
    }

    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>The new tokens, or null when the issuer refuses the refresh token.</summary>
    private async Task<TokenResponse?> RedeemAsync(string refreshToken, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ShopServices.Web,
            ["client_secret"] = identity.Value.ClientSecret!
        });
        using var response = await factory.CreateClient(ServiceTokenSource.HttpClientName).SendToServiceAsync(
            new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath) { Content = content }, ShopIdentity.IssuerService, cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new InvalidDataException("The token endpoint answered an empty body.");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
