using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Shop.Data.Work;
using Shop.Events;
using Shop.Events.Inbox;
using Shop.Events.Outbox;
using Shop.Events.Telemetry;
using Shop.Events.Transport;

namespace Shop.Tests.Unit;

/// <summary>
/// The outbox and the inbox of a small service on a real SQLite database file, on a fake clock, with a publisher and a
/// handler the test controls. Nothing runs in the background: a test runs each relay or retry pass itself.
/// </summary>
internal sealed class EventsHarness : IAsyncDisposable
{
    public const string Service = "tests";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"shop-events-{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _services;

    private EventsHarness(IReadOnlyDictionary<string, string?> settings, Action<DbContextOptionsBuilder>? database)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.AddFakeLogging());
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddSingleton(Handler);
        services.AddSingleton<WorkLease>(new HeldLease());
        services.AddDbContext<EventsTestDbContext>(database ?? (options => options.UseSqlite($"Data Source={_file}")));
        services.AddIntegrationEventServices<EventsTestDbContext>(Service, handlers => handlers.Handle<OrderCancelled, StockReturn>());
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    public FakePublisher Publisher { get; } = new();

    public HandlerBehaviour Handler { get; } = new();

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public static async Task<EventsHarness> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<DbContextOptionsBuilder>? database = null)
    {
        var harness = new EventsHarness(settings ?? new Dictionary<string, string?>(), database);
        await using var scope = harness._services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EventsTestDbContext>().Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        return harness;
    }

    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    public IEventReceiver Receiver => _services.GetRequiredService<IEventReceiver>();

    /// <summary>The background workers, the relay's and the retries', to start when a test runs them on the fake clock.</summary>
    public IEnumerable<IHostedService> Workers => _services.GetServices<IHostedService>();

    /// <summary>One pass of the relay, as its worker runs it.</summary>
    public async Task<int> RelayAsync()
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>One pass of the inbox's retry worker.</summary>
    public async Task<int> RetryAsync()
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<IntegrationEventInbox>().RetryDueAsync(TestContext.Current.CancellationToken);
    }

    public async Task<T> ReadAsync<T>(Func<EventsTestDbContext, Task<T>> read)
    {
        await using var scope = Scope();
        return await read(scope.ServiceProvider.GetRequiredService<EventsTestDbContext>());
    }

    public MetricCollector<long> Collect(string instrument) =>
        new(_services.GetRequiredService<IMeterFactory>(), EventMetrics.MeterName, instrument);

    /// <summary>An order's cancellation as another service publishes it.</summary>
    public EventEnvelope Cancellation(int orderId, Guid? id = null) => new(
        id ?? Guid.NewGuid(), OrderCancelled.Type, OrderCancelled.Version, Clock.GetUtcNow(), ShopServices.Orders, null, null,
        JsonSerializer.SerializeToElement(new OrderCancelled(orderId, 7, 25m, "EUR"), JsonSerializerOptions.Web));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    /// <summary>The transport as the relay sees it: takes every event, or refuses every one while <see cref="Failing"/>.</summary>
    public sealed class FakePublisher : IEventPublisher
    {
        private readonly List<EventEnvelope> _published = [];

        public bool Failing { get; set; }

        public int Attempts { get; private set; }

        public IReadOnlyList<EventEnvelope> Published => _published;

        public Task PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failing)
            {
                throw new HttpRequestException("The broker is away.");
            }

            _published.Add(envelope);
            return Task.CompletedTask;
        }
    }

    /// <summary>The lease of a service with one replica: always this process's.</summary>
    private sealed class HeldLease : WorkLease, IAsyncDisposable
    {
        public override Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(this);

        public override Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(this);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Whether the handler fails, and how often it ran.</summary>
    public sealed class HandlerBehaviour
    {
        public bool Failing { get; set; }

        public int Calls { get; set; }
    }

    /// <summary>Gives an order's stock back: writes a row on the service's context, then fails if told to.</summary>
    public sealed class StockReturn(EventsTestDbContext db, HandlerBehaviour behaviour) : IIntegrationEventHandler<OrderCancelled>
    {
        public Task HandleAsync(OrderCancelled @event, EventEnvelope envelope, CancellationToken cancellationToken)
        {
            behaviour.Calls++;
            db.StockReturns.Add(new ReturnedStock { OrderId = @event.OrderId, EventId = envelope.Id });
            return behaviour.Failing ? throw new InvalidOperationException("The stock could not be returned.") : Task.CompletedTask;
        }
    }
}

/// <summary>A service's own database with the outbox and the inbox in its model.</summary>
internal sealed class EventsTestDbContext(DbContextOptions<EventsTestDbContext> options) : DbContext(options)
{
    public DbSet<ReturnedStock> StockReturns => Set<ReturnedStock>();

    public DbSet<OutboxEvent> Outbox => Set<OutboxEvent>();

    public DbSet<InboxEvent> Inbox => Set<InboxEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddIntegrationEventTables();
}

/// <summary>The effect of handling an order's cancellation.</summary>
internal sealed class ReturnedStock
{
    public int Id { get; set; }
    public int OrderId { get; set; }
    public Guid EventId { get; set; }
}
