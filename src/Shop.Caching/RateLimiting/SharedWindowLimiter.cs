using System.Threading.RateLimiting;
using Shop.Caching.Redis;
using Shop.ServiceDefaults.RateLimiting;
using StackExchange.Redis;

namespace Shop.Caching.RateLimiting;

/// <summary>
/// A fixed-window limit that every replica of a service counts against together: the count of a partition's current
/// window is a cache entry (<c>limits:{partition}:{window}</c>), incremented by each request and expiring with the
/// window. While the cache cannot be reached (<see cref="OptionalCache"/>), this replica counts alone, in memory, to
/// the same limit (<see cref="LocalWindowLimiter"/>): the limit then holds per replica, and is never lifted. Both
/// counts read <paramref name="clock"/>, so that a test on a fake clock decides when a window ends.
/// </summary>
public sealed class SharedWindowLimiter(string partition, int permitLimit, TimeSpan window, OptionalCache cache, TimeProvider clock) : RateLimiter
{
    // The cache is asked only asynchronously: a synchronous attempt says "not now", and the middleware then awaits AcquireAsync.
    private static readonly RateLimitLease AskAsynchronously = new WindowLease(acquired: false, retryAfter: null);

    private readonly LocalWindowLimiter _alone = new(permitLimit, window, clock);
    private long _granted;
    private long _refused;

    public override TimeSpan? IdleDuration => _alone.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = _alone.GetStatistics()?.CurrentAvailablePermits ?? permitLimit,
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused)
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => AskAsynchronously;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = now.UtcTicks / window.Ticks;
        var remaining = new DateTimeOffset((current + 1) * window.Ticks, TimeSpan.Zero) - now;
        RedisKey key = $"limits:{partition}:{current}";
        var count = await cache.TryAsync<long?>(async database =>
        {
            var transaction = database.CreateTransaction();
            var counted = transaction.StringIncrementAsync(key, permitCount);
            _ = transaction.KeyExpireAsync(key, remaining + TimeSpan.FromSeconds(1));
            await transaction.ExecuteAsync();
            return await counted;
        }, null);

        var lease = count is null ? _alone.AttemptAcquire(permitCount)
            : count <= permitLimit ? WindowLease.Granted
            : new WindowLease(acquired: false, retryAfter: remaining);
        Interlocked.Increment(ref lease.IsAcquired ? ref _granted : ref _refused);
        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alone.Dispose();
        }

        base.Dispose(disposing);
    }
}
