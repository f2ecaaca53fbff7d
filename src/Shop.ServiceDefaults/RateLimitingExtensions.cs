using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.RateLimiting;
using Shop.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class RateLimitingExtensions
{
    /// <summary>
    /// Limits each signed-in user's writes (POST, PUT, PATCH, DELETE) to <c>RateLimits:WritesPerMinute</c> (120), and
    /// each anonymous client's, by address, to <c>RateLimits:WritesPerAddressPerMinute</c> (the same unless set);
    /// services calling each other are not limited.
    /// A refused request gets a 429 problem with Retry-After.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultRateLimiting(this IHostApplicationBuilder builder, Action<RateLimiterOptions>? configure = null)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteRejectionAsync;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                    || (context.User.Identity?.IsAuthenticated == true && !context.User.IsSignedInUser()))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var (partition, writesPerMinute) = context.User.UserId() is { } userId
                    ? ($"user:{userId}", limits.WritesPerMinute)
                    : ($"address:{context.LimitKey()}", limits.WritesPerAddressPerMinute ?? limits.WritesPerMinute);
                return context.RequestServices.SharedOrLocalWindow($"writes:{partition}", writesPerMinute, TimeSpan.FromMinutes(1));
            });
            configure?.Invoke(options);
        });
        return builder;
    }

    /// <summary>
    /// A fixed window of <paramref name="permitLimit"/> for <paramref name="partition"/>, shared by every replica through
    /// the cache where the service has one (<see cref="ISharedWindowFactory"/>), else this process's own
    /// (<see cref="LocalWindowLimiter"/>), on the service's clock.
    /// </summary>
    public static RateLimitPartition<string> SharedOrLocalWindow(this IServiceProvider services, string partition, int permitLimit, TimeSpan window) =>
        services.GetService<ISharedWindowFactory>() is { } shared
            ? RateLimitPartition.Get(partition, _ => shared.Create(partition, permitLimit, window))
            : RateLimitPartition.Get(partition, _ => new LocalWindowLimiter(permitLimit, window, services.GetRequiredService<TimeProvider>()));

    /// <summary>Answers a refused request with a 429 problem and, when the limiter knows it, Retry-After.</summary>
    public static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
        context.HttpContext.Response.SetRetryAfter(retryAfter);
        await context.HttpContext.WriteProblemAsync(new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests.",
            Detail = "Slow down, and try again after the time in Retry-After."
        });
    }
}
