using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Shop.Caching.Redis;

/// <summary>
/// The shared cache as an option, never a dependency. A call that fails or takes longer than
/// <c>Cache:Timeout</c> answers its fallback. After one that waited (a timeout, or a call cancelled while it
/// waited), every call answers its fallback at once for <c>Cache:RetryInterval</c>: while the cache is slow,
/// a request waits for it once, not at every step. While the client has no connection (the cache is down, or not
/// reached yet) nothing is asked, and the cache is used again the moment the client has reconnected.
/// </summary>
/// <remarks>
/// Polly's circuit breaker needs at least two failures to open, and each would cost a request a full
/// timeout; here the first failure is enough.
/// </remarks>
public sealed class OptionalCache(IConnectionMultiplexer redis, IOptions<CacheOptions> options, TimeProvider clock, ILogger<OptionalCache> logger)
{
    private readonly TimeSpan _timeout = options.Value.Timeout;
    private readonly TimeSpan _retryInterval = options.Value.RetryInterval;
    private long _skipUntilTicks;
    // 1 from the first failure until a call succeeds again: the outage and the recovery are logged once each.
    private int _away;

    /// <summary>Whether calls are being skipped after a failure; they are tried again once the interval has passed.</summary>
    private bool IsSkipping => clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _skipUntilTicks);

    /// <summary>Runs <paramref name="call"/> on the cache; answers <paramref name="fallback"/> when the cache fails, is too slow, or is being skipped.</summary>
    public async Task<T> TryAsync<T>(Func<IDatabase, Task<T>> call, T fallback)
    {
        if (IsSkipping)
        {
            return fallback;
        }

        if (!redis.IsConnected)
        {
            // Down, or not reached yet: asking would only be refused. The client reconnects by itself.
            NoteAway("not connected");
            return fallback;
        }

        try
        {
            // The client checks its own timeouts only about once a second; this bounds the wait to Cache:Timeout.
            var result = await call(redis.GetDatabase()).WaitAsync(_timeout, clock);
            if (Interlocked.Exchange(ref _away, 0) == 1)
            {
                logger.LogInformation("The cache answers again; the service uses it again");
            }

            return result;
        }
        // The client cancels the calls in flight when it drops a connection it finds dead (no caller's token is involved),
        // and a call caught while it tears the connection down meets its closed pipe (InvalidOperationException).
        catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException
                                              or InvalidOperationException or ObjectDisposedException)
        {
            // Only a call that waited is worth not repeating; a refusal (no connection, a server error) came at once.
            if (exception is TimeoutException or OperationCanceledException)
            {
                Interlocked.Exchange(ref _skipUntilTicks, (clock.GetUtcNow() + _retryInterval).UtcTicks);
            }

            NoteAway(exception.GetType().Name);
            return fallback;
        }
    }

    private void NoteAway(string reason)
    {
        if (Interlocked.Exchange(ref _away, 1) == 0)
        {
            logger.LogWarning("The cache did not answer ({Reason}); the service goes without it until it answers again", reason);
        }
    }
}
