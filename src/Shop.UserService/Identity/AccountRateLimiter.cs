using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Shop.UserService.Identity;

/// <summary>Limits sign-in attempts per account, whatever address they come from, against password guessing.</summary>
public sealed class AccountRateLimiter(IOptions<SignInLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SignInsPerAccountPerMinute,
            Window = TimeSpan.FromMinutes(1)
        }));

    public RateLimitLease Acquire(string account) => _limiter.AttemptAcquire(account.ToUpperInvariant());

    public void Dispose() => _limiter.Dispose();
}
