using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>The topology's databases and cache, reached behind the services' backs.</summary>
public sealed partial class ShopTopology
{
    /// <summary>A service's database, e.g. <c>ordersdb</c>, for tests that play a crash by writing to it.</summary>
    public async Task<DatabaseBackdoor> DatabaseAsync(string database) => Provider == DataProviders.Postgres
        ? new(Provider, await _app.GetConnectionStringAsync(database) ?? throw new InvalidOperationException($"{database} has no connection string."))
        : DatabaseBackdoor.SqliteFile(Path.Combine(DataDirectory, database + ".db"));

    /// <summary>A client of the cache, on the connection string the services get.</summary>
    public async Task<IDatabase> CacheAsync()
    {
        _cache ??= await CacheClient.ConnectAsync(
            await _app.GetConnectionStringAsync(ShopResources.Cache) ?? throw new InvalidOperationException("The cache has no connection string."));
        return _cache.GetDatabase();
    }
}
