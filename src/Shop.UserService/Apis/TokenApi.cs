using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Apis;

/// <summary>
/// The token endpoint (<c>POST /connect/token</c>), behind OpenIddict, which parses and checks the OAuth
/// request and issues the signed token: people's apps redeem an authorization code or a refresh token (or, where it is
/// enabled, send the person's password), services use client credentials.
/// Its limit per address is taken before OpenIddict reads the request (<see cref="IssuerRequestGuard"/>).
/// </summary>
public static class TokenApi
{
    /// <summary>The CORS policy that lets the API reference pages of the other services sign in here from their own origins.</summary>
    public const string ApiReferencePolicy = "api-reference";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ShopIdentity.TokenPath, Exchange)
            .WithName(nameof(Exchange))
            .WithTags("Identity")
            .AllowAnonymous()
            .RequireCors(ApiReferencePolicy)
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<SignInHttpResult, ForbidHttpResult, ProblemHttpResult>> Exchange(
        HttpContext context, UsersDbContext db, PasswordSignIn signIn, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has checked the client's secret and that it may ask for these scopes.
            var service = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Subject, Claims.Role);
            service.SetClaim(Claims.Subject, request.ClientId);
            service.SetScopes(request.GetScopes());
            service.SetResources(ServiceClients.AudiencesOf(request.GetScopes()));
            service.SetDestinations(_ => [Destinations.AccessToken]);
            return SignIn(service);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // OpenIddict has checked the code (with its PKCE verifier, client and redirect address) or the refresh token, that
            // neither was used before, and that its authorization still stands; the account must still exist too.
            var granted = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var id = int.TryParse(granted?.GetClaim(Claims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var subject) ? subject : (int?)null;
            if (granted?.Identity is not ClaimsIdentity identity || id is null
                || await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken) is not { } account)
            {
                return InvalidGrant("The account no longer exists.");
            }

            return SignIn(PersonClaims.Refresh(identity, account));
        }

        // OpenIddict has made sure that a password grant has both, and that the grant is enabled.
        var outcome = await signIn.SignInAsync(request.Username ?? "", request.Password ?? "", context.LimitKey(), cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            context.Response.SetRetryAfter(refusal.RetryAfter);
            return TooManyFailures();
        }

        return outcome.User is { } user ? SignIn(PersonClaims.Create(user)) : InvalidGrant("The email or password is wrong.");
    }

    private static SignInHttpResult SignIn(ClaimsIdentity identity) =>
        TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static ForbidHttpResult InvalidGrant(string description) => TypedResults.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>The answer to a sign-in, or a password change, held back by <see cref="AccountSignInLimit"/>.</summary>
    public static ProblemHttpResult TooManyFailures() => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many failed sign-ins.",
        detail: "Too many failed sign-ins for this account from here; try again after the time in Retry-After.");
}
