using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class CacheExtensions
{
    /// <summary>How long a cache call may take before the caller gives up on it and uses the source of truth.</summary>
    public static TimeSpan CacheTimeout(this IConfiguration configuration) =>
        configuration.GetValue("Cache:Timeout", TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// The Redis client under the AppHost's resource name, set up to be optional: commands fail fast while
    /// the cache is away and time out after <c>Cache:Timeout</c>, it reconnects by itself, and its health
    /// check reports Degraded rather than Unhealthy, since every service can answer without it.
    /// </summary>
    public static IHostApplicationBuilder AddOptionalRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var timeout = (int)builder.Configuration.CacheTimeout().TotalMilliseconds;
        builder.AddRedisClient(connectionName, settings => settings.DisableHealthChecks = true, options =>
        {
            options.AbortOnConnectFail = false;
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
        return builder;
    }

    /// <summary>Runs a cache call; when the cache is away or slow, logs it and answers <paramref name="fallback"/>.</summary>
    public static async Task<T> OrWhenCacheFailsAsync<T>(this Task<T> cacheCall, T fallback, ILogger logger)
    {
        try
        {
            return await cacheCall;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Debug, not Warning: during an outage every request would log it; /health reports the outage as Degraded.
            logger.LogDebug("The cache did not answer ({Reason}); going on without it", exception.GetType().Name);
            return fallback;
        }
    }
}
