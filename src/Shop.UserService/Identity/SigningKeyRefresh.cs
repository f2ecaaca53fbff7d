using Shop.Data.Work;

namespace Shop.UserService.Identity;

/// <summary>Reads the signing keys again every <c>Identity:KeyRefreshInterval</c>, in every replica, so that each signs and publishes the same set.</summary>
public sealed class SigningKeyRefresh(SigningKeys keys, IConfiguration configuration, IServiceScopeFactory scopes, ILogger<SigningKeyRefresh> logger)
    : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval { get; } =
        configuration.GetValue(ShopIdentity.KeyRefreshIntervalSetting, ShopIdentity.DefaultKeyRefreshInterval);

    protected override bool EveryReplica => true;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) => keys.RefreshAsync(cancellationToken);
}
