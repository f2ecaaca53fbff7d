using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>
/// A person's session at the issuer: a cookie (HttpOnly, SameSite=Lax) naming a session the users database keeps
/// (<see cref="IssuerSession"/>), which lets a second app sign them in without the password until they sign out, change
/// their password, or <c>Identity:SessionLifetime</c> passes. Each app's authorization made in a session names it, so
/// that ending the session revokes the refresh tokens issued in it. Every replica reads the same sessions, and a cookie
/// whose session has ended opens nothing, a copy of it included.
/// </summary>
public sealed class BrowserSession(
    UsersDbContext db, TimeProvider clock, IOptions<ShopIdentityOptions> options,
    IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens)
{
    public const string Scheme = "shop-session";
    public const string CookieName = "shop.session";
    public const string SignInPath = "/account/signin";
    public const string RegisterPath = "/account/register";
    public const string SignedOutPath = "/account/signedout";

    /// <summary>Set on a challenge of this scheme to send the person to the registration page rather than the sign-in page.</summary>
    public const string RegisterItem = "register";

    /// <summary>The property of an authorization that names the session it was made in.</summary>
    private const string SessionProperty = "shop_session";

    private const string SessionClaim = "sid";

    /// <summary>Opens a session for <paramref name="user"/> and gives the browser its cookie.</summary>
    public async Task OpenAsync(HttpContext context, User user)
    {
        var session = new IssuerSession
        {
            Id = Convert.ToHexString(RandomNumberGenerator.GetBytes(IssuerSession.IdLength / 2)),
            UserId = user.Id,
            ExpiresAt = (clock.GetStoredNow() + options.Value.SessionLifetime).UtcDateTime
        };
        db.IssuerSessions.Add(session);
        await db.SaveChangesAsync(context.RequestAborted);

        var identity = new ClaimsIdentity(Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(Claims.Name, user.Name));
        identity.AddClaim(new Claim(SessionClaim, session.Id));
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            ExpiresUtc = new DateTimeOffset(session.ExpiresAt, TimeSpan.Zero)
        });
    }

    /// <summary>The signed-in account's id and the session's, or null when the browser has no session open.</summary>
    public static async Task<(int UserId, string SessionId)?> ReadAsync(HttpContext context) =>
        Read((await context.AuthenticateAsync(Scheme)).Principal);

    /// <summary>Records on a new authorization the session it is made in.</summary>
    public static void Name(OpenIddictAuthorizationDescriptor authorization, string sessionId) =>
        authorization.Properties[SessionProperty] = JsonSerializer.SerializeToElement(sessionId);

    /// <summary>
    /// Ends the browser's session, if it has one: the session is gone for every replica, the authorizations made in it
    /// are revoked and with them every token they issued, refresh tokens first of all; and the cookie is deleted.
    /// </summary>
    public async Task EndAsync(HttpContext context)
    {
        if (await ReadAsync(context) is { } open)
        {
            var cancellationToken = context.RequestAborted;
            await db.IssuerSessions.Where(s => s.Id == open.SessionId).ExecuteDeleteAsync(cancellationToken);
            await foreach (var authorization in authorizations.FindBySubjectAsync(open.UserId.ToString(CultureInfo.InvariantCulture), cancellationToken))
            {
                var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
                if (properties.TryGetValue(SessionProperty, out var session) && session.ValueKind == JsonValueKind.String && session.GetString() == open.SessionId)
                {
                    await authorizations.TryRevokeAsync(authorization, cancellationToken);
                    await tokens.RevokeByAuthorizationIdAsync((await authorizations.GetIdAsync(authorization, cancellationToken))!, cancellationToken);
                }
            }
        }

        await context.SignOutAsync(Scheme);
    }

    /// <summary>Ends every session of the person, and revokes every refresh token and authorization they hold: after a password change.</summary>
    public async Task EndEveryAsync(int userId, CancellationToken cancellationToken)
    {
        var subject = userId.ToString(CultureInfo.InvariantCulture);
        await db.IssuerSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        await tokens.RevokeBySubjectAsync(subject, cancellationToken);
    }

    /// <summary>Removes the sessions that have ended.</summary>
    public Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow().UtcDateTime;
        return db.IssuerSessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    private static (int UserId, string SessionId)? Read(ClaimsPrincipal? session) =>
        session is not null
        && int.TryParse(session.FindFirstValue(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && session.FindFirstValue(SessionClaim) is { } sid
            ? (id, sid)
            : null;

    /// <summary>A cookie opens nothing unless its session is still open, on the service's clock, and its account still exists.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<UsersDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetStoredNow().UtcDateTime;
        if (Read(context.Principal) is not { } open
            || !await db.IssuerSessions.AnyAsync(
                s => s.Id == open.SessionId && s.UserId == open.UserId && s.ExpiresAt > now && db.Users.Any(u => u.Id == open.UserId),
                context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
