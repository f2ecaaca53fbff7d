using System.ComponentModel.DataAnnotations;

namespace Shop.Caching.Redis;

/// <summary>How long a service waits for the shared cache (<c>Cache:*</c>), and how long it then goes without it.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>A cache call that takes longer is given up, and the service answers from its own data.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>After a failed call, every call answers without the cache for this long before it is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}
