using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.UserService.Apis;

/// <summary>
/// The keys that sign access tokens, for an administrator who rotates them: <c>POST /signing-keys</c> adds a key that
/// signs from <c>Identity:KeyActivationDelay</c> on; until then, and for a token's lifetime after, both keys are published.
/// </summary>
public static class SigningKeysApi
{
    public static IEndpointRouteBuilder MapSigningKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/signing-keys").WithTags("Identity").RequireAuthorization(ShopPolicies.Admin);
        api.MapGet("/", ListSigningKeys).WithName(nameof(ListSigningKeys));
        api.MapPost("/", AddSigningKey).WithName(nameof(AddSigningKey));
        return app;
    }

    /// <summary>Every key, oldest first, with what it does now: pending, signing, retiring (still published) or retired.</summary>
    public static async Task<Results<Ok<IReadOnlyList<SigningKeyState>>, ProblemHttpResult>> ListSigningKeys(
        SigningKeys keys, CancellationToken cancellationToken) =>
        keys.ManagedOutside ? ManagedOutside() : TypedResults.Ok(await keys.DescribeAsync(cancellationToken));

    /// <summary>Adds a key: published at once, signing from its <c>activatesAt</c>.</summary>
    public static async Task<Results<Created<SigningKeyState>, ProblemHttpResult>> AddSigningKey(
        SigningKeys keys, CancellationToken cancellationToken) =>
        keys.ManagedOutside ? ManagedOutside() : TypedResults.Created("/signing-keys", await keys.AddAsync(cancellationToken));

    private static ProblemHttpResult ManagedOutside() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The signing key is managed outside the shop.",
        detail: "Identity:SigningKeyPath names the key file; replace the file to change the key.");
}
