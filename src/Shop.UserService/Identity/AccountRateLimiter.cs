using System.Threading.RateLimiting;

namespace Shop.UserService.Identity;

/// <summary>Limits sign-in attempts per account, whatever address they come from, against password guessing.</summary>
public sealed class AccountRateLimiter(IConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = configuration.GetValue("RateLimits:SignInsPerAccountPerMinute", 10),
            Window = TimeSpan.FromMinutes(1)
        }));

    public RateLimitLease Acquire(string account) => _limiter.AttemptAcquire(account.ToUpperInvariant());

    public void Dispose() => _limiter.Dispose();
}
