using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Shop.ServiceDefaults;

/// <summary>
/// The shared cache as an option, never a dependency. A call that fails or takes longer than
/// <c>Cache:Timeout</c> answers its fallback, and for <c>Cache:RetryInterval</c> after that every call
/// answers its fallback at once: while the cache is slow, a request waits for it once, not at every step.
/// </summary>
/// <remarks>
/// Polly's circuit breaker needs at least two failures to open, and each would cost a request a full
/// timeout; here the first failure is enough.
/// </remarks>
public sealed class OptionalCache(IConnectionMultiplexer redis, IConfiguration configuration, TimeProvider clock, ILogger<OptionalCache> logger)
{
    private readonly TimeSpan _timeout = configuration.CacheTimeout();
    private readonly TimeSpan _retryInterval = configuration.GetValue("Cache:RetryInterval", TimeSpan.FromSeconds(5));
    private long _skipUntilTicks;

    /// <summary>Whether calls are being skipped after a failure; they are tried again once the interval has passed.</summary>
    private bool IsSkipping => clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _skipUntilTicks);

    /// <summary>Runs <paramref name="call"/> on the cache; answers <paramref name="fallback"/> when the cache fails, is too slow, or is being skipped.</summary>
    public async Task<T> TryAsync<T>(Func<IDatabase, Task<T>> call, T fallback)
    {
        if (IsSkipping)
        {
            return fallback;
        }

        try
        {
            // The client checks its own timeouts only about once a second; this bounds the wait to Cache:Timeout.
            return await call(redis.GetDatabase()).WaitAsync(_timeout, clock);
        }
        // The client cancels the calls in flight when it drops a connection it finds dead; no caller's token is involved.
        catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException)
        {
            Interlocked.Exchange(ref _skipUntilTicks, (clock.GetUtcNow() + _retryInterval).UtcTicks);
            // Debug, not Warning: /health reports the outage as Degraded, and this would log on every retry.
            logger.LogDebug("The cache did not answer ({Reason}); going without it for {RetryInterval}", exception.GetType().Name, _retryInterval);
            return fallback;
        }
    }
}
