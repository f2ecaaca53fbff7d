using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Shop.Events.Outbox;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.UserService.Apis;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        // A user is a few hundred bytes; anything much larger is refused with a 413.
        var api = app.MapGroup("/users").WithTags("Users").WithBodyLimit(4 * 1024);

        api.MapGet("/", ListUsers).WithName(nameof(ListUsers)).RequireAuthorization(ShopPolicies.Admin);
        api.MapGet("/{id:int}", GetUser).WithName(nameof(GetUser)).RequireAuthorization(ShopPolicies.Scope(ShopScopes.UsersRead));
        // A taken email is a 409, which tells that the email has an account: the limit keeps that to a few emails an hour per
        // address (AddressLimits), shared with the registration page.
        api.MapPost("/", CreateUser).WithName(nameof(CreateUser)).AllowAnonymous();
        api.MapPut("/me/password", ChangePassword).WithName(nameof(ChangePassword)).RequireAuthorization(ShopPolicies.SignedInUser);
        api.MapPut("/{id:int}", UpdateUser).WithName(nameof(UpdateUser)).RequireAuthorization(ShopPolicies.SignedInUser);
        api.MapDelete("/{id:int}", DeleteUser).WithName(nameof(DeleteUser)).RequireAuthorization(ShopPolicies.SignedInUser);

        return app;
    }

    public static async Task<Ok<Page<UserResponse>>> ListUsers(
        [AsParameters] PageRequest page, UsersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Users.OrderBy(u => u.Id).ToPageAsync(page, UserMapping.ToResponse, cancellationToken));

    /// <summary>A customer reads their own record, an admin or a service any record.</summary>
    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(
        int id, ClaimsPrincipal caller, UsersDbContext db, UserCache cache, UserMetrics metrics, CancellationToken cancellationToken)
    {
        if (!MayAccess(caller, id) && !caller.HasScope(ShopScopes.UsersRead))
        {
            return UserNotFound(id);
        }

        var cached = await cache.GetAsync(id);
        metrics.UserCacheLookup(hit: cached is not null);
        if (cached is not null)
        {
            return TypedResults.Ok(cached);
        }

        var version = await cache.GetVersionAsync(id);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound(id);
        }

        var response = user.ToResponse();
        await cache.SetIfUnchangedAsync(response, version);
        return TypedResults.Ok(response);
    }

    /// <summary>Registers a customer, who then signs in with this email and password.</summary>
    public static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateUser(
        RegisterUserRequest request, HttpContext context, AddressLimits limits, Registration registration, CancellationToken cancellationToken)
    {
        if (await limits.AcquireRegistrationAsync(context) is { } wait)
        {
            context.Response.SetRetryAfter(wait);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many registrations.",
                detail: "Too many registrations from here; try again after the time in Retry-After.");
        }

        if (await registration.RegisterAsync(request, cancellationToken) is not { } user)
        {
            return EmailTaken(request.Email);
        }

        return TypedResults.Created($"/users/{user.Id}", user.ToResponse());
    }

    /// <summary>
    /// The signed-in person changes their password, giving the current one: a wrong one is a failed sign-in, counted
    /// against the same limits as at the token endpoint. Their refresh tokens and sessions end; access tokens issued
    /// before stay good until they expire.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal caller, HttpContext context, UsersDbContext db, PasswordCheck passwords,
        IPasswordHasher<User> hasher, AccountSignInLimit accounts, UserMetrics metrics, IOptions<ShopIdentityOptions> identity,
        BrowserSession sessions, CancellationToken cancellationToken)
    {
        var id = caller.UserId();
        var user = id is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return UserNotFound(id ?? 0);
        }

        // The configured administrator's password is the setting, which replaces the stored one at every start: a change
        // here would be undone by the next start, so it is made there.
        if (user.Role == UserRole.Admin && string.Equals(user.Email, identity.Value.Admin.Email, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The administrator's password is a setting.",
                detail: "Change Identity:Admin:Password (the AppHost's admin-password parameter); it takes effect at the users service's next start.");
        }

        var address = context.LimitKey();
        if (await accounts.CountFailureAsync(user.Email, address, cancellationToken) is { } refusal)
        {
            metrics.SignInRateLimited(refusal.Limit);
            context.Response.SetRetryAfter(refusal.RetryAfter);
            return TokenApi.TooManyFailures();
        }

        if (!passwords.IsRight(user, request.CurrentPassword))
        {
            metrics.SignInFailed();
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [nameof(ChangePasswordRequest.CurrentPassword)] = ["The current password is wrong."] });
        }

        user.PasswordHash = hasher.HashPassword(user, request.NewPassword);
        await db.SaveChangesAsync(cancellationToken);
        await accounts.ForgiveAsync(user.Email, address, cancellationToken);
        // Whoever held the old password may hold a session at the issuer or a refresh token too: both end here.
        await sessions.EndEveryAsync(user.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateUser(
        int id, UserRequest request, ClaimsPrincipal caller, UsersDbContext db, CacheInvalidations invalidations, CancellationToken cancellationToken)
    {
        var user = MayAccess(caller, id) ? await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken) : null;
        if (user is null)
        {
            return UserNotFound(id);
        }

        (user.Name, user.Email, user.Age) = (request.Name, request.Email, request.Age);
        var invalidation = invalidations.Record(id);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return EmailTaken(request.Email);
        }

        await invalidations.SendAsync(invalidation, cancellationToken);
        return TypedResults.Ok(user.ToResponse());
    }

    /// <summary>
    /// Deletes the user, and tells the other services in the same commit (<see cref="UserDeleted"/>, through the outbox),
    /// so that they erase what they keep of the person even when they are away at this moment.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteUser(
        int id, ClaimsPrincipal caller, UsersDbContext db, CacheInvalidations invalidations, IntegrationEventOutbox outbox,
        CancellationToken cancellationToken)
    {
        CacheInvalidation? invalidation = null;
        var deleted = MayAccess(caller, id) && await db.InTransactionAsync(async (transaction, attempt) =>
        {
            if (await db.Users.Where(u => u.Id == id).ExecuteDeleteAsync(attempt) == 0)
            {
                return false;
            }

            invalidation = invalidations.Record(id);
            outbox.Add(new UserDeleted(id));
            await db.SaveChangesAsync(attempt);
            await transaction.CommitAsync(attempt);
            return true;
        }, cancellationToken);
        if (!deleted)
        {
            return UserNotFound(id);
        }

        outbox.Nudge();

        await invalidations.SendAsync(invalidation!, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>A person may see and change their own record; an admin any. Others are told it does not exist.</summary>
    private static bool MayAccess(ClaimsPrincipal caller, int id) => caller.IsAdmin() || caller.UserId() == id;

    private static ProblemHttpResult UserNotFound(int id) => Problems.NotFound("User", id);

    private static ProblemHttpResult EmailTaken(string email) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Email already in use.",
        detail: $"Another user already has the email '{email}'.");
}
