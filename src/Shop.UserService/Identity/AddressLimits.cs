using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Http;

namespace Shop.UserService.Identity;

/// <summary>
/// The limits per client address of the ways in: sign-ins (<c>RateLimits:SignInsPerAddressPerMinute</c>, 60), whether at
/// the token endpoint, for every grant, or on the sign-in page; and registrations
/// (<c>RateLimits:RegistrationsPerAddressPerHour</c>, 20), through the API or the page. Each is shared by every replica
/// through the cache (each alone while it is away), and the refusals are counted. The token endpoint's is taken by
/// <see cref="IssuerRequestGuard"/> before OpenIddict reads the form and checks a client's secret, which happens in the
/// authentication middleware, before an endpoint's rate limiting would run.
/// </summary>
public sealed class AddressLimits(IOptions<SignInLimitOptions> options, UserMetrics metrics) : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _signIns = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        context.RequestServices.SharedOrLocalWindow(
            $"sign-ins:{context.LimitKey()}", options.Value.SignInsPerAddressPerMinute, TimeSpan.FromMinutes(1)));

    private readonly PartitionedRateLimiter<HttpContext> _registrations = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        context.RequestServices.SharedOrLocalWindow(
            $"registrations:{context.LimitKey()}", options.Value.RegistrationsPerAddressPerHour, TimeSpan.FromHours(1)));

    /// <summary>Takes a sign-in for the request's address; when there is none left, answers the 429 problem and false.</summary>
    public async Task<bool> TryAcquireSignInAsync(HttpContext context)
    {
        using var lease = await _signIns.AcquireAsync(context, 1, context.RequestAborted);
        if (lease.IsAcquired)
        {
            return true;
        }

        metrics.SignInRateLimited("address");
        await RateLimitingExtensions.WriteRejectionAsync(new OnRejectedContext { HttpContext = context, Lease = lease }, context.RequestAborted);
        return false;
    }

    /// <summary>Takes a sign-in for the request's address: null when taken, else how long until the address may try again.</summary>
    public async Task<TimeSpan?> AcquireSignInAsync(HttpContext context)
    {
        var wait = await AcquireAsync(_signIns, context);
        if (wait is not null)
        {
            metrics.SignInRateLimited("address");
        }

        return wait;
    }

    /// <summary>Takes a registration for the request's address: null when taken, else how long until the address may register again.</summary>
    public Task<TimeSpan?> AcquireRegistrationAsync(HttpContext context) => AcquireAsync(_registrations, context);

    private static async Task<TimeSpan?> AcquireAsync(PartitionedRateLimiter<HttpContext> limiter, HttpContext context)
    {
        using var lease = await limiter.AcquireAsync(context, 1, context.RequestAborted);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public async ValueTask DisposeAsync()
    {
        await _signIns.DisposeAsync();
        await _registrations.DisposeAsync();
    }
}
