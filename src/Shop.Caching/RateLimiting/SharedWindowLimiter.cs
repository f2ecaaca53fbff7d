using System.Threading.RateLimiting;
using Shop.Caching.Redis;
using StackExchange.Redis;

namespace Shop.Caching.RateLimiting;

/// <summary>
/// A fixed-window limit that every replica of a service counts against together: the count of a partition's current
/// window is a cache entry (<c>limits:{partition}:{window}</c>), incremented by each request and expiring with the
/// window. While the cache cannot be reached (<see cref="OptionalCache"/>), this replica counts alone, in memory, to
/// the same limit: the limit then holds per replica, and is never lifted.
/// </summary>
public sealed class SharedWindowLimiter(string partition, int permitLimit, TimeSpan window, OptionalCache cache, TimeProvider clock) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(acquired: true, retryAfter: null);

    // The cache is asked only asynchronously: a synchronous attempt says "not now", and the middleware then awaits AcquireAsync.
    private static readonly RateLimitLease AskAsynchronously = new Lease(acquired: false, retryAfter: null);

    private readonly FixedWindowRateLimiter _alone = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permitLimit,
        Window = window,
        QueueLimit = 0
    });

    public override TimeSpan? IdleDuration => _alone.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => _alone.GetStatistics();

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

        if (count is null)
        {
            return await _alone.AcquireAsync(permitCount, cancellationToken);
        }

        return count <= permitLimit ? Granted : new Lease(acquired: false, retryAfter: remaining);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alone.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
