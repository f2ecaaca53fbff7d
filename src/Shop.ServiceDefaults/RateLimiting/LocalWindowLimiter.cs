using System.Threading.RateLimiting;

namespace Shop.ServiceDefaults.RateLimiting;

/// <summary>
/// A fixed-window limit this process counts alone, in memory. Its windows follow each other from its first request,
/// and it reads <paramref name="clock"/>, the service's, so that a test on a fake clock decides when a window ends,
/// not the machine's speed (the framework's <see cref="FixedWindowRateLimiter"/> runs on the wall clock).
/// </summary>
public sealed class LocalWindowLimiter(int permitLimit, TimeSpan window, TimeProvider clock) : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _firstWindowStart = clock.GetUtcNow();
    private long _window;
    private int _count;
    private long _granted;
    private long _refused;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                var idleSince = _count > 0 ? _firstWindowStart + ((_window + 1) * window) : _firstWindowStart;
                return now < idleSince ? null : now - idleSince;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permitLimit - (_window == WindowAt(clock.GetUtcNow()) ? _count : 0),
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            var current = WindowAt(clock.GetUtcNow());
            if (current != _window)
            {
                _window = current;
                _count = 0;
            }

            if (_count + permitCount > permitLimit)
            {
                _refused++;
                // A whole window, the most a client may have to wait, as a process counting alone has always answered.
                return new WindowLease(acquired: false, retryAfter: window);
            }

            _count += permitCount;
            _granted++;
            return WindowLease.Granted;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private long WindowAt(DateTimeOffset now) => (now - _firstWindowStart).Ticks / window.Ticks;
}
