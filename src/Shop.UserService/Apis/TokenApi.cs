using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Shop.ServiceDefaults.Errors;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Apis;

/// <summary>
/// The token endpoint (<c>POST /connect/token</c>), behind OpenIddict, which parses and checks the OAuth
/// request and issues the signed token: people sign in with the password grant, services with client credentials.
/// </summary>
public static class TokenApi
{
    public const string AddressPolicy = "sign-ins-per-address";

    /// <summary>The CORS policy that lets the API reference pages of the other services sign in here from their own origins.</summary>
    public const string ApiReferencePolicy = "api-reference";

    /// <summary>People's tokens are good at every service.</summary>
    private static readonly IReadOnlyList<string> UserAudiences = ShopServices.All;

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ShopIdentity.TokenPath, Exchange)
            .WithName(nameof(Exchange))
            .WithTags("Identity")
            .AllowAnonymous()
            .RequireRateLimiting(AddressPolicy)
            .RequireCors(ApiReferencePolicy)
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<IResult> Exchange(
        HttpContext context, UsersDbContext db, IPasswordHasher<User> hasher, AccountSignInLimit accounts, UserMetrics metrics, CancellationToken cancellationToken)
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
            return Results.SignIn(new ClaimsPrincipal(service), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == request.Username, cancellationToken);
        // An email without an account has no password to guess; the limit per address holds back a sweep of them.
        if (user is not null && await accounts.CountAttemptAsync(user.Id, cancellationToken) is { } retryAfter)
        {
            metrics.SignInRateLimited("account");
            context.Response.SetRetryAfter(retryAfter);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many sign-in attempts.",
                detail: "Too many sign-in attempts for this account; try again after the time in Retry-After.");
        }

        if (user?.PasswordHash is null
            || hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password ?? "") == PasswordVerificationResult.Failed)
        {
            metrics.SignInFailed();
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The email or password is wrong."
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var person = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        person.SetClaim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture));
        person.SetClaim(Claims.Name, user.Name);
        person.SetClaim(Claims.Email, user.Email);
        person.SetClaims(Claims.Role, [user.Role.ToString()]);
        person.SetResources(UserAudiences);
        person.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(person), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
