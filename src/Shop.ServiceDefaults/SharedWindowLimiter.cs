using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Shop.ServiceDefaults;

/// <summary>
/// A fixed-window limit that every replica of a service counts against together: the count of a partition's current
/// window is a cache entry (<c>limits:{partition}:{window}</c>), incremented by each request and expiring with the
/// window. Without a cache, or while it cannot be reached (<see cref="OptionalCache"/>), this replica counts alone, in
/// memory, to the same limit: the limit then holds per replica, and is never lifted. Both counts read
/// <paramref name="clock"/>, so that a test on a fake clock decides when a window ends, not the machine's speed.
/// </summary>
public sealed class SharedWindowLimiter(string partition, int permitLimit, TimeSpan window, OptionalCache? cache, TimeProvider clock) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(acquired: true, retryAfter: null);

    // The cache is asked only asynchronously: a synchronous attempt says "not now", and the middleware then awaits AcquireAsync.
    private static readonly RateLimitLease AskAsynchronously = new Lease(acquired: false, retryAfter: null);

    private readonly Lock _gate = new();

    // The windows this replica counts alone in follow each other from its first request in the partition.
    private readonly DateTimeOffset _firstWindowStart = clock.GetUtcNow();
    private long _aloneWindow;
    private int _aloneCount;
    private long _granted;
    private long _refused;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                var idleSince = _aloneCount > 0 ? AloneWindowEnd(_aloneWindow) : _firstWindowStart;
                return now < idleSince ? null : now - idleSince;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            var counted = _aloneWindow == AloneWindowAt(clock.GetUtcNow()) ? _aloneCount : 0;
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permitLimit - counted,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = Interlocked.Read(ref _granted),
                TotalFailedLeases = Interlocked.Read(ref _refused)
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => AskAsynchronously;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = now.UtcTicks / window.Ticks;
        var remaining = new DateTimeOffset((current + 1) * window.Ticks, TimeSpan.Zero) - now;
        RedisKey key = $"limits:{partition}:{current}";
        var count = cache is null ? null : await cache.TryAsync<long?>(async database =>
        {
            var transaction = database.CreateTransaction();
            var counted = transaction.StringIncrementAsync(key, permitCount);
            _ = transaction.KeyExpireAsync(key, remaining + TimeSpan.FromSeconds(1));
            await transaction.ExecuteAsync();
            return await counted;
        }, null);

        var lease = count is null ? CountAlone(permitCount)
            : count <= permitLimit ? Granted
            : new Lease(acquired: false, retryAfter: remaining);
        Interlocked.Increment(ref lease.IsAcquired ? ref _granted : ref _refused);
        return lease;
    }

    private RateLimitLease CountAlone(int permitCount)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var current = AloneWindowAt(now);
            if (current != _aloneWindow)
            {
                _aloneWindow = current;
                _aloneCount = 0;
            }

            if (_aloneCount + permitCount > permitLimit)
            {
                // A whole window, the most a client may have to wait, as a replica counting alone has always answered.
                return new Lease(acquired: false, retryAfter: window);
            }

            _aloneCount += permitCount;
            return Granted;
        }
    }

    private long AloneWindowAt(DateTimeOffset now) => (now - _firstWindowStart).Ticks / window.Ticks;

    private DateTimeOffset AloneWindowEnd(long aloneWindow) => _firstWindowStart + ((aloneWindow + 1) * window);

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
