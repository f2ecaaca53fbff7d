using System.Diagnostics;
using System.Globalization;
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

    private ShopTopology(DistributedApplication app, string dataDirectory, string? ownedDataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        _ownedDataDirectory = ownedDataDirectory;
        Users = app.CreateHttpClient(ResourceNames.Users);
        Products = app.CreateHttpClient(ResourceNames.Products);
        Orders = app.CreateHttpClient(ResourceNames.Orders);
    }

    public HttpClient Users { get; }
    public HttpClient Products { get; }
    public HttpClient Orders { get; }

    /// <summary>The folder of the services' SQLite files, for tests that play a crash by writing to one.</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// Starts the topology with the cache on <paramref name="cacheHost"/>, on fresh data unless
    /// <paramref name="dataDirectory"/> is given, with more AppHost <paramref name="settings"/> such as <c>Reservations:HoldTimeout=00:00:02</c>.
    /// </summary>
    public static async Task<ShopTopology> StartAsync(string cacheHost = "auto", string? dataDirectory = null, params string[] settings)
    {
        var ownedDataDirectory = dataDirectory is null ? Directory.CreateTempSubdirectory("shop-tests-").FullName : null;
        try
        {
            var directory = dataDirectory ?? ownedDataDirectory!;
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
                [$"Cache:Host={cacheHost}", $"Data:Directory={directory}", .. settings]);

            var app = await builder.BuildAsync().WaitAsync(StartTimeout);
            await app.StartAsync().WaitAsync(StartTimeout);
            foreach (var resource in new[] { ResourceNames.Cache, ResourceNames.Users, ResourceNames.Products, ResourceNames.Orders })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
            }

            return new ShopTopology(app, directory, ownedDataDirectory);
        }
        catch when (ownedDataDirectory is not null)
        {
            Directory.Delete(ownedDataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Stops a service the way an orchestrator does, with SIGTERM to its process, and waits until Aspire
    /// sees it stopped. Aspire's Stop command cannot be used for project resources on Linux: it sends
    /// SIGINT to <c>dotnet run</c>, which leaves the signal to its child and so never stops.
    /// </summary>
    public async Task StopResourceAsync(string resource)
    {
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running).WaitAsync(StartTimeout);
        var pid = running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        using (var kill = Process.Start("kill", ["-TERM", Convert.ToString(pid, CultureInfo.InvariantCulture)!]))
        {
            await kill.WaitForExitAsync().WaitAsync(StartTimeout);
            Assert.Equal(0, kill.ExitCode);
        }

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
