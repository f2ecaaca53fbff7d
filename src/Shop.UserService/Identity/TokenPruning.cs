using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Shop.Data.Work;

namespace Shop.UserService.Identity;

/// <summary>
/// Every hour, on one replica at a time, removes what the issuer no longer needs: the rows OpenIddict stores for the
/// tokens it issues and for authorizations, once they have expired (or were revoked) and are older than
/// <c>Identity:TokenRetention</c>, the windows of failed sign-ins that have ended, and the sessions at the issuer that have.
/// </summary>
public sealed class TokenPruning(IServiceScopeFactory scopes, ILogger<TokenPruning> logger) : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromHours(1);

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) => PruneAsync(services, cancellationToken);

    /// <summary>One pass, with the services of a scope.</summary>
    public static async Task PruneAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var threshold = services.GetRequiredService<TimeProvider>().GetUtcNow() - services.GetRequiredService<IOptions<ShopIdentityOptions>>().Value.TokenRetention;
        await services.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
        await services.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
        await services.GetRequiredService<AccountSignInLimit>().PruneAsync(cancellationToken);
        await services.GetRequiredService<BrowserSession>().PruneAsync(cancellationToken);
    }
}
