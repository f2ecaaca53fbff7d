using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>The tests' own clients of a cache, which reach behind the services' backs.</summary>
public static class CacheClient
{
    /// <summary>
    /// Connects to the cache of <paramref name="connectionString"/>, waiting for it as long as the services under test do
    /// (30 s): a machine busy starting several topologies at once must not pass for a cache that is away.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.ConnectTimeout = (int)TimeSpan.FromSeconds(30).TotalMilliseconds;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
