using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The whole Shop topology, started from the AppHost on fresh databases in a temporary folder that is
/// removed afterwards, so that tests never touch a developer's data.
/// </summary>
public sealed class ShopTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DistributedApplication _app;
    private readonly string? _ownedDataDirectory;
    private IConnectionMultiplexer? _cache;

    private ShopTopology(DistributedApplication app, string? ownedDataDirectory)
    {
        _app = app;
        _ownedDataDirectory = ownedDataDirectory;
        Users = app.CreateHttpClient(ResourceNames.Users);
        Products = app.CreateHttpClient(ResourceNames.Products);
        Orders = app.CreateHttpClient(ResourceNames.Orders);
    }

    public HttpClient Users { get; }
    public HttpClient Products { get; }
    public HttpClient Orders { get; }

    /// <summary>
    /// Starts the topology with the cache on <paramref name="cacheHost"/>, on fresh data unless
    /// <paramref name="dataDirectory"/> is given, with more AppHost <paramref name="settings"/> such as <c>Reservations:HoldTimeout=00:00:02</c>.
    /// </summary>
    public static async Task<ShopTopology> StartAsync(string cacheHost = "auto", string? dataDirectory = null, params string[] settings)
    {
        var ownedDataDirectory = dataDirectory is null ? Directory.CreateTempSubdirectory("shop-tests-").FullName : null;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
                [$"Cache:Host={cacheHost}", $"Data:Directory={dataDirectory ?? ownedDataDirectory}", .. settings]);

            var app = await builder.BuildAsync().WaitAsync(StartTimeout);
            await app.StartAsync().WaitAsync(StartTimeout);
            foreach (var resource in new[] { ResourceNames.Cache, ResourceNames.Users, ResourceNames.Products, ResourceNames.Orders })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
            }

            return new ShopTopology(app, ownedDataDirectory);
        }
        catch when (ownedDataDirectory is not null)
        {
            Directory.Delete(ownedDataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Stops a resource with the dashboard's Stop command, and waits until it has stopped.</summary>
    public async Task StopResourceAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        await _app.ResourceNotifications.WaitForResourceAsync(resource, [KnownResourceStates.Exited, KnownResourceStates.Finished]).WaitAsync(StartTimeout);
    }

    /// <summary>Starts a stopped resource with the dashboard's Start command, and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
    }

    /// <summary>A client of the cache, on the connection string the services get.</summary>
    public async Task<IDatabase> CacheAsync()
    {
        _cache ??= await ConnectionMultiplexer.ConnectAsync(
            await _app.GetConnectionStringAsync(ResourceNames.Cache) ?? throw new InvalidOperationException("The cache has no connection string."));
        return _cache.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        Users.Dispose();
        Products.Dispose();
        Orders.Dispose();
        if (_cache is not null)
        {
            await _cache.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownedDataDirectory is not null)
        {
            Directory.Delete(_ownedDataDirectory, recursive: true);
        }
    }
}
