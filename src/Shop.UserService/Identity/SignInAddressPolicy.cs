using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Shop.UserService.Identity;

/// <summary>Limits sign-ins per client address to <c>RateLimits:SignInsPerAddressPerMinute</c> (60), and counts those it refuses.</summary>
public sealed class SignInAddressPolicy(IOptions<SignInLimitOptions> options, UserMetrics metrics) : IRateLimiterPolicy<string>
{
    private readonly int _permitLimit = options.Value.SignInsPerAddressPerMinute;

    public Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected => (context, cancellationToken) =>
    {
        metrics.SignInRateLimited("address");
        return RateLimitingExtensions.WriteRejectionAsync(context, cancellationToken);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _permitLimit,
            Window = TimeSpan.FromMinutes(1)
        });
}
