using System.Threading.RateLimiting;
using Shop.Caching.Redis;
using Shop.ServiceDefaults.RateLimiting;

namespace Shop.Caching.RateLimiting;

/// <summary>The rate limits' windows counted in the shared cache (<see cref="SharedWindowLimiter"/>).</summary>
internal sealed class SharedWindowFactory(OptionalCache cache, TimeProvider clock) : ISharedWindowFactory
{
    public RateLimiter Create(string partition, int permitLimit, TimeSpan window) =>
        new SharedWindowLimiter(partition, permitLimit, window, cache, clock);
}
