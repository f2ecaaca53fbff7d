using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A topology of one test collection's own, for tests that stop, kill or freeze resources, so that they cannot
/// disturb the shared topology or each other: the tests of a collection run one at a time. Stock is held for only ten
/// seconds without confirmation and orders left Pending are recovered within seconds, so that the sweep and recovery
/// can be watched.
/// </summary>
public sealed class IsolatedTopologyFixture : IAsyncLifetime
{
    // Longer than recovery takes to reach an order, busy machine included, so that the sweep never overtakes recovery
    // in a test that watches recovery confirm held stock.
    public static readonly TimeSpan HoldTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a service waits for a cache call; long enough here that a wait for it cannot pass unnoticed.</summary>
    public static readonly TimeSpan CacheTimeout = TimeSpan.FromSeconds(2);

    private ShopTopology? _topology;

    public ShopTopology Topology => _topology ?? throw new InvalidOperationException("The isolated topology has not started.");

    public async ValueTask InitializeAsync() => _topology = await ShopTopology.StartAsync(settings:
    [
        $"Reservations:HoldTimeout={HoldTimeout}",
        "Reservations:SweepInterval=00:00:00.500",
        "Ordering:PendingTimeout=00:00:05",
        "Ordering:RecoveryInterval=00:00:00.500",
        $"Cache:Timeout={CacheTimeout}",
        // The timeouts of a deployment: a service that hangs costs its callers these, then a 503.
        "ServiceCalls:AttemptTimeout=00:00:05",
        "ServiceCalls:TotalTimeout=00:00:15"
    ]);

    public async ValueTask DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}

/// <summary>Tests on an isolated topology, one at a time within their collection.</summary>
public abstract class IsolatedTopologyTests(IsolatedTopologyFixture fixture)
{
    protected ShopTopology Shop => fixture.Topology;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}

/// <summary>The users service going away, on an isolated topology of its own.</summary>
[CollectionDefinition(Name)]
public sealed class UsersOutageCollection : ICollectionFixture<IsolatedTopologyFixture>
{
    public const string Name = "Isolated topology: users outages";
}

/// <summary>The users service hanging, outages of the cache and the products service, a crash of the orders service, the sweep and recovery, on another.</summary>
[CollectionDefinition(Name)]
public sealed class OtherOutagesCollection : ICollectionFixture<IsolatedTopologyFixture>
{
    public const string Name = "Isolated topology: other outages, sweep and recovery";
}

/// <summary>
/// A topology of its own with two replicas of every service, started when a test first asks for it. Replicas share
/// their service's database, so it runs in the PostgreSQL run only; the tests of its collection run one at a time,
/// since some kill a replica. Orders left Pending are recovered within seconds, and signing keys rotate within seconds,
/// so that both can be watched; the products service logs every request it answers, so that tests can count them. Its
/// events go through a RabbitMQ broker where one is installed.
/// </summary>
public class ReplicaTopologyFixture : IAsyncLifetime
{
    public const int Replicas = 2;

    /// <summary>How long a call from one service to another may take, per attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often each orders replica looks for orders left Pending.</summary>
    public static readonly TimeSpan RecoveryInterval = TimeSpan.FromMilliseconds(500);

    private readonly Lazy<Task<ShopTopology>> _topology;

    public ReplicaTopologyFixture()
        : this(
            // A new signing key is fetched by every service within a second and signs five seconds after it is added.
            "Identity:KeyRefreshInterval=00:00:01",
            "Identity:KeyActivationDelay=00:00:05",
            "Ordering:PendingTimeout=00:00:05",
            $"Ordering:RecoveryInterval={RecoveryInterval}",
            // A copy of an order a replica keeps outlives every test, so only a cancel can end it.
            "Ordering:OrderCacheTimeToLive=00:05:00")
    {
    }

    protected ReplicaTopologyFixture(params string[] settings) => _topology = new(() => ShopTopology.StartAsync(
        configure: builder => builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ShopServices.Products))
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics", "Information"),
        settings:
        [
            $"Services:Replicas={Replicas}",
            // As on the shared topology: a burst of orders at replicas that have just started, on a busy machine, must
            // not pass for a service that is away.
            $"ServiceCalls:AttemptTimeout={AttemptTimeout}",
            $"Cache:Timeout={IsolatedTopologyFixture.CacheTimeout}",
            // Events through a broker where one is installed: its consumers compete for each queue across the replicas.
            $"Events:Host={ShopTopology.LocalBrokerHost}",
            .. settings
        ]));

    /// <summary>The topology; a test in the SQLite run is skipped here, saying why.</summary>
    public Task<ShopTopology> TopologyAsync()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres,
            $"Replicas share a PostgreSQL database; these run in the PostgreSQL run ({TestDatabase.Variable}={DataProviders.Postgres}).");
        return _topology.Value;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_topology.IsValueCreated)
        {
            await (await _topology.Value).DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Two replicas of every service with a write limit low enough to reach, on a topology of their own: the limit is one
/// setting for every test on a topology, and the other replica tests write far more than a person.
/// </summary>
public sealed class ReplicaLimitsFixture() : ReplicaTopologyFixture($"RateLimits:WritesPerMinute={WritesPerMinute}")
{
    public const int WritesPerMinute = 20;
}

/// <summary>Two replicas of every service, on a topology of their own.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicasCollection : ICollectionFixture<ReplicaTopologyFixture>
{
    public const string Name = "Replicas: two of every service";
}

/// <summary>
/// Three replicas of the orders service and one of every other service and of the web app, on a topology of their own:
/// the service that does the work of an order scaled alone (<c>Services:orders:Replicas</c>). Its customers place
/// orders without meeting the write limit, which the other replica topologies test.
/// </summary>
public sealed class ScaledOrdersFixture() : ReplicaTopologyFixture(
    "Services:Replicas=1", $"Services:{ShopServices.Orders}:Replicas={OrdersReplicas}", "RateLimits:WritesPerMinute=100000")
{
    public const int OrdersReplicas = 3;
}

/// <summary>
/// Three replicas of the orders service and one of the rest, on a topology of their own, run after the other replica
/// tests rather than beside them: its customers keep the machine busy through a rolling restart, which the first requests
/// of topologies starting beside it on two cores did not survive (a 503 from a products service that had just started).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaledOrdersCollection : ICollectionFixture<ScaledOrdersFixture>
{
    public const string Name = "Replicas: three of the orders service, one of the rest";
}
