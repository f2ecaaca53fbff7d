using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Caching.RateLimiting;
using Shop.Caching.Redis;
using Shop.ServiceDefaults.RateLimiting;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class CacheExtensions
{
    /// <summary>
    /// The Redis client under the AppHost's resource name, set up to be optional: commands fail fast while
    /// the cache is away and time out after <c>Cache:Timeout</c>, it reconnects by itself, and its health
    /// check reports Degraded rather than Unhealthy, since every service can answer without it. Services
    /// call it through <see cref="OptionalCache"/>.
    /// </summary>
    /// <remarks>
    /// Redis commands are not traced unless <c>Aspire:StackExchange:Redis:DisableTracing</c> is false. The
    /// tracing keeps every request that used the cache, with its Activity and profiled commands, until its
    /// next flush ten seconds later: at 15,000 requests a second that was 150,000 requests and ~130 MB of heap.
    /// </remarks>
    public static IHostApplicationBuilder AddOptionalRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.Services.AddValidatedOptions<CacheOptions>(CacheOptions.Section);
        // The Redis client's options callback is given no services, so the timeout is read here; the options above check it at start.
        var timeout = (int)(builder.Configuration.GetSection(CacheOptions.Section).Get<CacheOptions>() ?? new CacheOptions()).Timeout.TotalMilliseconds;
        var disableTracing = builder.Configuration.GetValue("Aspire:StackExchange:Redis:DisableTracing", true);
        builder.AddRedisClient(connectionName, settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableTracing = disableTracing;
        }, options =>
        {
            options.AbortOnConnectFail = false;
            // The client's own I/O threads hand every answer over to the thread pool, a thread switch per cache read:
            // switching took 16% of the orders service's CPU under GET /orders/{id}, 10% with answers read on the pool.
            options.SocketManager = SocketManager.ThreadPool;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ConnectTimeout = timeout;
            options.SyncTimeout = timeout;
            options.AsyncTimeout = timeout;
        });
        builder.Services.AddHealthChecks().AddRedis(
            services => services.GetRequiredService<IConnectionMultiplexer>(),
            name: connectionName,
            failureStatus: HealthStatus.Degraded,
            timeout: TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton<OptionalCache>();
        builder.Services.AddSingleton<ISharedWindowFactory, SharedWindowFactory>();
        return builder;
    }
}
