using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Http;

namespace Shop.UserService.Identity;

/// <summary>
/// Limits requests to the token endpoint per client address to <c>RateLimits:SignInsPerAddressPerMinute</c> (60), for
/// every grant, across every replica through the cache (each alone while it is away), and counts those it refuses.
/// It is taken by <see cref="IssuerRequestGuard"/> before OpenIddict reads the form and checks a client's secret, which
/// happens in the authentication middleware, before an endpoint's rate limiting would run.
/// </summary>
public sealed class SignInAddressLimit(IOptions<SignInLimitOptions> options, UserMetrics metrics) : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        context.RequestServices.SharedOrLocalWindow(
            $"sign-ins:{context.LimitKey()}", options.Value.SignInsPerAddressPerMinute, TimeSpan.FromMinutes(1)));

    /// <summary>Takes a permit for the request's address; when there is none left, answers the 429 problem and false.</summary>
    public async Task<bool> TryAcquireAsync(HttpContext context)
    {
        using var lease = await _limiter.AcquireAsync(context, 1, context.RequestAborted);
        if (lease.IsAcquired)
        {
            return true;
        }

        metrics.SignInRateLimited("address");
        await RateLimitingExtensions.WriteRejectionAsync(new OnRejectedContext { HttpContext = context, Lease = lease }, context.RequestAborted);
        return false;
    }

    public ValueTask DisposeAsync() => _limiter.DisposeAsync();
}
