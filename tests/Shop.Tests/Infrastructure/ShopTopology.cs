using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Shop.AppHost;
using Shop.AppHost.Events;
using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The whole Shop topology, started from the AppHost on fresh databases in a temporary folder that is
/// removed afterwards, so that tests never touch a developer's data. This file starts and stops it; its sessions,
/// faults, replicas, health, secrets and data each have a file of their own beside it.
/// </summary>
public sealed partial class ShopTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DistributedApplication _app;
    private readonly string? _ownedDataDirectory;
    private readonly ConcurrentDictionary<int, ShopSession> _customers = new();
    private readonly ServiceLogs _logs;
    private readonly IReadOnlyList<string> _givenSecrets;
    private readonly ShopSession _anonymous;
    private IConnectionMultiplexer? _cache;

    private ShopTopology(DistributedApplication app, string dataDirectory, string? ownedDataDirectory, ServiceLogs logs, IReadOnlyList<string> givenSecrets)
    {
        _app = app;
        _logs = logs;
        _givenSecrets = givenSecrets;
        DataDirectory = dataDirectory;
        _ownedDataDirectory = ownedDataDirectory;
        _anonymous = new ShopSession(name => app.CreateHttpClient(name), null);
    }

    /// <summary>Everything the cache and the three services wrote to their consoles so far.</summary>
    public string ServiceLogText => _logs.Text;

    /// <summary>The folder of the services' data, which a restart on the same data is given.</summary>
    public string DataDirectory { get; }

    /// <summary>The services' data provider: <see cref="TestDatabase.Provider"/>.</summary>
    public string Provider => TestDatabase.Provider;

    /// <summary>The base address of a service, as a client outside the topology reaches it.</summary>
    public Uri AddressOf(string resource) => _app.GetEndpoint(resource, "http");

    /// <summary>
    /// Where a test topology runs its cache unless a test says otherwise: a process of its own on this machine
    /// (redis-server where it is installed, else Garnet), never a container, even where a container runtime answers.
    /// The fault tests stop and freeze the cache's own process, and each topology needs a cache of its own. A
    /// PostgreSQL server is likewise a local process with a cluster of the topology's own (<c>Data:PostgresHost=local</c>).
    /// </summary>
    public static string LocalCacheHost { get; } = MachineProbe.FindOnPath("redis-server") is null ? "garnet" : "redis-server";

    /// <summary>
    /// Where a test topology's integration events go unless a test says otherwise: over HTTP between its services, with no
    /// broker. A broker is an Erlang VM more for each of the several topologies the suite starts at once; the event tests
    /// (<see cref="EventTopologyFixture"/>) and the replica tests run theirs on a broker of their own as well, and the
    /// broker's hosting has tests of its own.
    /// </summary>
    public const string DefaultEventsHost = "http";

    /// <summary>The installed RabbitMQ server, as a local process, where there is one; else, over HTTP.</summary>
    public static string LocalBrokerHost { get; } = LocalRabbitMqInstallation.Find() is null ? DefaultEventsHost : "rabbitmq-server";

    /// <summary>
    /// Starts the topology with the cache on <paramref name="cacheHost"/>, on fresh data unless
    /// <paramref name="dataDirectory"/> is given, with more AppHost <paramref name="settings"/> such as
    /// <c>Reservations:HoldTimeout=00:00:02</c>, and the AppHost's resources changed by <paramref name="configure"/>.
    /// </summary>
    public static async Task<ShopTopology> StartAsync(string? cacheHost = null, string? dataDirectory = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null, params string[] settings)
    {
        var ownedDataDirectory = dataDirectory is null ? Directory.CreateTempSubdirectory("shop-tests-").FullName : null;
        try
        {
            var directory = dataDirectory ?? ownedDataDirectory!;
            // The admin is seeded, and a PostgreSQL cluster made, once per data folder: a restart on the same folder
            // needs the same passwords.
            var adminPassword = SecretOf("admin", directory);
            var postgresPassword = SecretOf(ShopResources.Postgres, directory);
            var ordersClientSecret = Guid.NewGuid().ToString("N");
            ServiceLogs? logs = null;
            var app = await WithServiceLogsOnFailureAsync(() => TopologyLauncher.StartAsync(TestDatabase.Provider,
            [
                $"Cache:Host={cacheHost ?? LocalCacheHost}",
                $"Events:Host={DefaultEventsHost}",
                .. TestDatabase.Provider == DataProviders.Postgres ? ["Data:PostgresHost=local"] : Array.Empty<string>(),
                .. AppHostSettings.Topology(directory, adminPassword, ordersClientSecret),
                $"Parameters:{ShopResources.Postgres}-password={postgresPassword}",
                // The tests write and sign in far faster than a person; the per-account sign-in limit stays as it is.
                "RateLimits:WritesPerMinute=1000000",
                "RateLimits:SignInsPerAddressPerMinute=1000000",
                "RateLimits:RegistrationsPerAddressPerHour=1000000",
                // The browser applications a test signs people in to, through the users service's pages.
                .. BrowserApp.AppHostSettings,
                // A busy test machine must not pass for a slow cache or a service that is away: a cache call given up
                // makes a service go without the cache for a while, which a test of the cache would see. The outage
                // tests set their own timeouts, as a deployment would have them.
                "Cache:Timeout=00:00:30",
                "ServiceCalls:AttemptTimeout=00:00:30",
                "ServiceCalls:TotalTimeout=00:01:30",
                .. settings
            ], StartTimeout, configure, built: built => logs = new ServiceLogs(built)), () => logs);

            var topology = new ShopTopology(app, directory, ownedDataDirectory, logs!,
                TestDatabase.Provider == DataProviders.Postgres ? [adminPassword, ordersClientSecret, postgresPassword] : [adminPassword, ordersClientSecret]);
            topology._admin = topology.SessionWith(await topology.SignInAsync(AppHostSettings.AdminEmail, adminPassword));
            topology._service = topology.SessionWith(await topology.ClientCredentialsTokenAsync(ordersClientSecret));
            // A service answers before it has reached the cache, and before it consumes its events' queue on a broker
            // (its health says Degraded until then): a lookup meanwhile goes without the cache, and an event published
            // before the products service's queue exists never reaches it. The tests start once both are reached.
            await topology.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders, ShopServices.Products);

            return topology;
        }
        catch when (ownedDataDirectory is not null)
        {
            RemoveData(ownedDataDirectory);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/>; when a resource fails to start or turn healthy, the failure carries the last lines
    /// the services wrote, which are lost with the topology otherwise.
    /// </summary>
    private static async Task<DistributedApplication> WithServiceLogsOnFailureAsync(Func<Task<DistributedApplication>> start, Func<ServiceLogs?> logs)
    {
        try
        {
            return await start();
        }
        catch (Exception exception) when (exception is DistributedApplicationException or TimeoutException && logs() is { } written)
        {
            using (written)
            {
                var text = written.Text;
                throw new InvalidOperationException(
                    $"{exception.Message} The services' last lines:\n{text[Math.Max(0, text.Length - 8000)..]}", exception);
            }
        }
    }

    private static string SecretOf(string name, string dataDirectory) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}:{dataDirectory}")));

    /// <summary>Removes a data folder the tests made, and the PostgreSQL cluster made for it wherever that lies.</summary>
    public static void RemoveData(string dataDirectory)
    {
        // A PostgreSQL cluster and a broker's node run as accounts of their own, whose folders may lie outside the data folder.
        foreach (var folder in new[] { TopologyLauncher.PostgresClusterOf(dataDirectory), TopologyLauncher.BrokerNodeOf(dataDirectory) })
        {
            if (!folder.StartsWith(dataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    public async ValueTask DisposeAsync()
    {
        _anonymous.Dispose();
        _admin?.Dispose();
        _service?.Dispose();
        foreach (var session in _customers.Values)
        {
            session.Dispose();
        }

        _logs.Dispose();
        if (_cache is not null)
        {
            await _cache.DisposeAsync();
        }

        await TopologyLauncher.StopAsync(_app, Provider);
        if (_ownedDataDirectory is not null)
        {
            RemoveData(_ownedDataDirectory);
        }
    }
}
