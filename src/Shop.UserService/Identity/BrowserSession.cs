using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>
/// A person's session at the issuer: a cookie (HttpOnly, SameSite=Lax) that lets a second app sign them in without the
/// password, until they sign out or it lapses (<c>Identity:SessionLifetime</c> without use). The cookie names the
/// account, the session, and a stamp of the password it was opened with, so a password change ends every session.
/// Each app's authorization made in a session names it, so that signing out revokes the refresh tokens issued in it.
/// </summary>
public static class BrowserSession
{
    public const string Scheme = "shop-session";
    public const string CookieName = "shop.session";
    public const string SignInPath = "/account/signin";
    public const string RegisterPath = "/account/register";
    public const string SignedOutPath = "/account/signedout";

    /// <summary>The property of an authorization that names the session it was made in.</summary>
    private const string SessionProperty = "shop_session";

    private const string SessionClaim = "sid";
    private const string StampClaim = "password_stamp";

    public static ClaimsPrincipal Open(User user)
    {
        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(Claims.Name, user.Name));
        identity.AddClaim(new Claim(SessionClaim, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
        identity.AddClaim(new Claim(StampClaim, Stamp(user)));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The signed-in account's id and the session's, or null when there is no session.</summary>
    public static (int UserId, string SessionId)? Read(ClaimsPrincipal? session) =>
        session is not null
        && int.TryParse(session.FindFirstValue(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && session.FindFirstValue(SessionClaim) is { } sid
            ? (id, sid)
            : null;

    public static IHostApplicationBuilder AddBrowserSessions(this IHostApplicationBuilder builder, TimeSpan lifetime)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            // Lax: sent when another app's page sends the browser here to sign in, never with another site's form posts.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = lifetime;
            options.SlidingExpiration = true;
            options.LoginPath = SignInPath;
            options.Events.OnValidatePrincipal = ValidateAsync;
            // The sign-in page, always: ASP.NET Core answers 401 instead to a request it takes for an API call (one to a
            // minimal API endpoint, such as /connect/authorize, that does not accept HTML), which would strand a browser.
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>Records on a new authorization the session it is made in.</summary>
    public static void Name(OpenIddictAuthorizationDescriptor authorization, string sessionId) =>
        authorization.Properties[SessionProperty] = JsonSerializer.SerializeToElement(sessionId);

    /// <summary>Revokes the authorizations made in the session, and with them every token they issued, refresh tokens first of all.</summary>
    public static async Task RevokeAsync(
        IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, int userId, string sessionId, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId.ToString(CultureInfo.InvariantCulture), cancellationToken))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            if (properties.TryGetValue(SessionProperty, out var session) && session.ValueKind == JsonValueKind.String && session.GetString() == sessionId)
            {
                await authorizations.TryRevokeAsync(authorization, cancellationToken);
                await tokens.RevokeByAuthorizationIdAsync((await authorizations.GetIdAsync(authorization, cancellationToken))!, cancellationToken);
            }
        }
    }

    /// <summary>A session whose account is gone, or whose password has changed since, is over.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var db = context.HttpContext.RequestServices.GetRequiredService<UsersDbContext>();
        var user = Read(context.Principal) is { } session
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId, context.HttpContext.RequestAborted)
            : null;
        if (user is null || context.Principal?.FindFirstValue(StampClaim) != Stamp(user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static string Stamp(User user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user.PasswordHash ?? "")), 0, 8);
}
