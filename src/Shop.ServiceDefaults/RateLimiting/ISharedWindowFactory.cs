using System.Threading.RateLimiting;

namespace Shop.ServiceDefaults.RateLimiting;

/// <summary>
/// Makes fixed-window limiters that every replica of the service counts against together; registered where the service
/// has a shared cache. Without one, each replica counts alone.
/// </summary>
public interface ISharedWindowFactory
{
    RateLimiter Create(string partition, int permitLimit, TimeSpan window);
}
