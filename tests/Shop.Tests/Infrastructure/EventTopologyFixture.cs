namespace Shop.Tests.Infrastructure;

/// <summary>
/// A topology of its own for the integration event tests, which stop and kill services and the broker, with its events
/// on one transport: a RabbitMQ broker (Debian's rabbitmq-server, as a local process) or, without one, signed HTTP
/// deliveries. Handlers are tried <see cref="MaxAttempts"/> times before their event is dead-lettered, and webhooks may
/// go to this machine's own addresses, where the tests' receivers listen.
/// </summary>
public abstract class EventTopologyFixture(string eventsHost) : IAsyncLifetime
{
    public const int MaxAttempts = 3;

    private readonly Lazy<Task<ShopTopology>> _topology = new(() => ShopTopology.StartAsync(settings:
    [
        $"Events:Host={eventsHost}",
        $"Events:MaxAttempts={MaxAttempts}",
        "Webhooks:AllowPrivateAddresses=true",
        // The timeouts of a deployment: a service that is away costs its callers these, then a 503.
        "ServiceCalls:AttemptTimeout=00:00:05",
        "ServiceCalls:TotalTimeout=00:00:15"
    ]));

    public string EventsHost { get; } = eventsHost;

    /// <summary>Whether the events travel through a broker, which a test may kill.</summary>
    public bool OnBroker => EventsHost != "http";

    /// <summary>The topology; on a broker that is not installed, the test is skipped, naming the package.</summary>
    public Task<ShopTopology> TopologyAsync()
    {
        Assert.SkipWhen(OnBroker && ShopTopology.LocalBrokerHost != EventsHost,
            "RabbitMQ is not installed: apt-get install rabbitmq-server (.ci/run installs it).");
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

/// <summary>Events through a RabbitMQ broker.</summary>
public sealed class BrokerEventsFixture() : EventTopologyFixture("rabbitmq-server");

/// <summary>Events delivered over HTTP, as on a machine with nothing but the .NET SDK.</summary>
public sealed class HttpEventsFixture() : EventTopologyFixture("http");

/// <summary>
/// Each event collection runs by itself, after the collections that run at once: its topology kills a service or the
/// broker, and its timing (retries, backoffs) is not what it tests, but a topology and a broker starting amid all the
/// others made the whole suite's start the slowest part of it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerEventsCollection : ICollectionFixture<BrokerEventsFixture>
{
    public const string Name = "Isolated topology: events through RabbitMQ";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HttpEventsCollection : ICollectionFixture<HttpEventsFixture>
{
    public const string Name = "Isolated topology: events over HTTP";
}

/// <summary>The tests of the broker itself (its hosting, and the RabbitMQ transport on a node of their own), also run by themselves.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerHostingCollection
{
    public const string Name = "Brokers of their own";
}
