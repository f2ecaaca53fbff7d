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
/// request and issues the signed token: people sign in with the password grant, services with client credentials.
/// Its limit per address is taken before OpenIddict reads the request (<see cref="IssuerRequestGuard"/>).
/// </summary>
public static class TokenApi
{
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
            .RequireCors(ApiReferencePolicy)
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<SignInHttpResult, ForbidHttpResult, ProblemHttpResult>> Exchange(
        HttpContext context, UsersDbContext db, PasswordCheck passwords, AccountSignInLimit accounts, UserMetrics metrics, CancellationToken cancellationToken)
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
            return TypedResults.SignIn(new ClaimsPrincipal(service), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        // OpenIddict has made sure that a password grant has both.
        var email = request.Username ?? "";
        var address = context.LimitKey();
        // An email without an account is counted and checked as one with an account is: the answers, and the time they
        // take, do not tell whether an account exists.
        if (await accounts.CountFailureAsync(email, address, cancellationToken) is { } refusal)
        {
            metrics.SignInRateLimited(refusal.Limit);
            context.Response.SetRetryAfter(refusal.RetryAfter);
            return TooManyFailures();
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (!passwords.IsRight(user, request.Password ?? ""))
        {
            metrics.SignInFailed();
            return TypedResults.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The email or password is wrong."
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        await accounts.ForgiveAsync(email, address, cancellationToken);
        var person = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        person.SetClaim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture));
        person.SetClaim(Claims.Name, user.Name);
        person.SetClaim(Claims.Email, user.Email);
        person.SetClaims(Claims.Role, [user.Role.ToString()]);
        person.SetResources(UserAudiences);
        person.SetDestinations(_ => [Destinations.AccessToken]);
        return TypedResults.SignIn(new ClaimsPrincipal(person), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The answer to a sign-in, or a password change, held back by <see cref="AccountSignInLimit"/>.</summary>
    public static ProblemHttpResult TooManyFailures() => TypedResults.Problem(
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many failed sign-ins.",
        detail: "Too many failed sign-ins for this account from here; try again after the time in Retry-After.");
}
