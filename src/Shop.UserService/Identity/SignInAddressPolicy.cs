using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Http;

namespace Shop.UserService.Identity;

/// <summary>
/// Limits sign-ins per client address to <c>RateLimits:SignInsPerAddressPerMinute</c> (60), across every replica through
/// the cache (each alone while it is away), and counts those it refuses.
/// </summary>
public sealed class SignInAddressPolicy(IOptions<SignInLimitOptions> options, UserMetrics metrics) : IRateLimiterPolicy<string>
{
    private readonly int _permitLimit = options.Value.SignInsPerAddressPerMinute;

    public Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected => (context, cancellationToken) =>
    {
        metrics.SignInRateLimited("address");
        return RateLimitingExtensions.WriteRejectionAsync(context, cancellationToken);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        httpContext.RequestServices.SharedOrLocalWindow(
            $"sign-ins:{httpContext.LimitKey()}", _permitLimit, TimeSpan.FromMinutes(1));
}
