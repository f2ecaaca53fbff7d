using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.UserService.Apis;

/// <summary>
/// The keys that sign access tokens, for an administrator who rotates them: <c>POST /signing-keys</c> adds a key that
/// signs from <c>Identity:KeyActivationDelay</c> on; until then, and for a token's lifetime after, both keys are published.
/// <c>DELETE /signing-keys/{keyId}</c> withdraws a key that must not be trusted any more, such as one that leaked.
/// </summary>
public static class SigningKeysApi
{
    public static IEndpointRouteBuilder MapSigningKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/signing-keys").WithTags("Identity").RequireAuthorization(ShopPolicies.Admin);
        api.MapGet("/", ListSigningKeys).WithName(nameof(ListSigningKeys));
        api.MapPost("/", AddSigningKey).WithName(nameof(AddSigningKey));
        api.MapDelete("/{keyId}", WithdrawSigningKey).WithName(nameof(WithdrawSigningKey));
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

    /// <summary>
    /// Withdraws a key: no longer published, and its tokens refused by this replica at once and by every service by
    /// <c>refusedEverywhereBy</c>. When it was signing, a new key signs at once (<c>newKeySigns</c>).
    /// </summary>
    public static async Task<Results<Ok<SigningKeyWithdrawal>, ProblemHttpResult>> WithdrawSigningKey(
        string keyId, SigningKeys keys, CancellationToken cancellationToken)
    {
        if (keys.ManagedOutside)
        {
            return ManagedOutside();
        }

        return await keys.WithdrawAsync(keyId, cancellationToken) is { } withdrawal
            ? TypedResults.Ok(withdrawal)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such signing key.",
                detail: "No signing key has this id; GET /signing-keys lists them.");
    }

    private static ProblemHttpResult ManagedOutside() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The signing key is managed outside the shop.",
        detail: "Identity:SigningKeyPath names the key file; replace the file to change the key.");
}
