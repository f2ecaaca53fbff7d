using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Apis;

/// <summary>
/// The authorization endpoint (<c>/connect/authorize</c>), behind OpenIddict, which has checked the client, its exact
/// redirect address, the PKCE challenge (S256) and the scopes: a person with a session at the issuer is sent back to the
/// app with a code at once; anyone else goes to the sign-in page first, and comes back here.
/// </summary>
public static class AuthorizationApi
{
    public static IEndpointRouteBuilder MapAuthorizationApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods(ShopIdentity.AuthorizationPath, [HttpMethods.Get, HttpMethods.Post], Authorize)
            .WithName(nameof(Authorize))
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<SignInHttpResult, ChallengeHttpResult, ForbidHttpResult>> Authorize(
        HttpContext context, UsersDbContext db, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");

        var session = await BrowserSession.ReadAsync(context);
        var user = session is { } open ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == open.UserId, cancellationToken) : null;
        if (user is null || session is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return TypedResults.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The person is not signed in."
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            // Back here after signing in (or registering), without prompt=login, which would send the person to sign in again and again.
            var back = context.Request.PathBase + context.Request.Path + QueryWithout(request, Parameters.Prompt);
            if (request.HasPromptValue(PromptValues.Create))
            {
                return TypedResults.Challenge(new AuthenticationProperties(new Dictionary<string, string?> { [BrowserSession.RegisterItem] = "true" })
                {
                    RedirectUri = back
                }, [BrowserSession.Scheme]);
            }

            return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = back }, [BrowserSession.Scheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetScopes(request.GetScopes().Intersect(BrowserApplications.PersonScopes));
        PersonClaims.Refresh(identity, user);

        // The authorization names the session, so that signing out of it revokes the refresh tokens it issues.
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict let through a client it does not know.");
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application, cancellationToken),
            CreationDate = clock.GetUtcNow(),
            Principal = new ClaimsPrincipal(identity),
            Status = Statuses.Valid,
            Subject = identity.GetClaim(Claims.Subject),
            Type = AuthorizationTypes.AdHoc
        };
        descriptor.Scopes.UnionWith(identity.GetScopes());
        BrowserSession.Name(descriptor, session.Value.SessionId);
        var authorization = await authorizations.CreateAsync(descriptor, cancellationToken);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, cancellationToken));

        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The request's parameters again, as a query string, but for <paramref name="left"/>.</summary>
    private static QueryString QueryWithout(OpenIddictRequest request, string left) =>
        QueryString.Create(request.GetParameters()
            .Where(parameter => parameter.Key != left)
            .SelectMany(parameter => ((StringValues)parameter.Value).Select(value => KeyValuePair.Create(parameter.Key, value))));
}
