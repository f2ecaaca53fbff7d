using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Data.Persistence;
using Shop.Events.Outbox;
using Shop.Events.Telemetry;

namespace Shop.Tests.Unit;

/// <summary>
/// An event a service publishes is committed with the change it tells of, or not at all, and the relay hands the
/// committed ones to the transport in order, marks them published, and waits out a transport that refuses them.
/// </summary>
public sealed class EventsOutboxTests : IAsyncLifetime
{
    private EventsHarness _events = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _events = await EventsHarness.StartAsync();

    public ValueTask DisposeAsync() => _events.DisposeAsync();

    [Fact]
    public async Task AnEventIsInTheOutboxOnlyOnceTheCallersTransactionCommits()
    {
        await AddInTransactionAsync(orderId: 1, commit: false);
        Assert.Equal(0, await _events.ReadAsync(db => db.Outbox.CountAsync(Cancellation)));

        await AddInTransactionAsync(orderId: 2, commit: true);

        var row = Assert.Single(await _events.ReadAsync(db => db.Outbox.ToListAsync(Cancellation)));
        Assert.Equal(OrderCancelled.Type, row.Type);
        Assert.Equal(OrderCancelled.Version, row.Version);
        Assert.Equal(_events.Clock.GetUtcNow().UtcDateTime, row.OccurredAt);
        Assert.Null(row.PublishedAt);
        var envelope = JsonSerializer.Deserialize<Shop.Events.EventEnvelope>(row.Envelope, JsonSerializerOptions.Web)!;
        Assert.Equal(row.EventId, envelope.Id);
        Assert.Equal(EventsHarness.Service, envelope.Source);
        Assert.Equal(2, envelope.Data.Deserialize<OrderCancelled>(JsonSerializerOptions.Web)!.OrderId);
        Assert.Equal(1, await _events.RelayAsync());
        Assert.Equal(2, OrderIdOf(Assert.Single(_events.Publisher.Published)));
    }

    [Fact]
    public async Task TheRelayPublishesInCommitOrderAndMarksEachPublished()
    {
        foreach (var orderId in new[] { 3, 1, 2 })
        {
            await AddAsync(orderId);
        }

        using var published = _events.Collect("shop.events.published");

        Assert.Equal(3, await _events.RelayAsync());

        Assert.Equal([3, 1, 2], _events.Publisher.Published.Select(OrderIdOf));
        Assert.All(await _events.ReadAsync(db => db.Outbox.ToListAsync(Cancellation)), row =>
        {
            Assert.Equal(_events.Clock.GetUtcNow().UtcDateTime, row.PublishedAt);
            Assert.Null(row.NextAttemptAt);
        });
        Assert.Equal(3, published.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(OrderCancelled.Type, published.GetMeasurementSnapshot()[0].Tags["event.type"]);
        Assert.Equal(0, await _events.RelayAsync());
        Assert.Equal(3, _events.Publisher.Attempts);
    }

    [Fact]
    public async Task TheRelayBacksOffWhileThePublisherFailsAndPublishesOnceItRecovers()
    {
        await AddAsync(1);
        await AddAsync(2);
        _events.Publisher.Failing = true;
        using var failures = _events.Collect("shop.events.publish_failures");

        Assert.Equal(0, await _events.RelayAsync());
        var first = await FirstRowAsync();
        Assert.Equal(1, first.Attempts);
        Assert.Equal(_events.Clock.GetUtcNow().UtcDateTime.AddSeconds(1), first.NextAttemptAt);
        Assert.Contains("The broker is away.", first.LastError);

        _events.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _events.RelayAsync());
        Assert.Equal(_events.Clock.GetUtcNow().UtcDateTime.AddSeconds(2), (await FirstRowAsync()).NextAttemptAt);
        Assert.Equal(2, failures.GetMeasurementSnapshot().EvaluateAsCounter());

        _events.Publisher.Failing = false;
        var attempts = _events.Publisher.Attempts;
        _events.Clock.Advance(TimeSpan.FromSeconds(1));
        await _events.RelayAsync();
        Assert.DoesNotContain(_events.Publisher.Published, envelope => OrderIdOf(envelope) == 1);

        _events.Clock.Advance(TimeSpan.FromSeconds(1));
        await _events.RelayAsync();

        Assert.Equal([1, 2], _events.Publisher.Published.Select(OrderIdOf).Order());
        Assert.True(_events.Publisher.Attempts - attempts == 2, "Each event was published once after the transport recovered.");
        Assert.Equal(0, await _events.ReadAsync(db => db.Outbox.CountAsync(e => e.PublishedAt == null, Cancellation)));
    }

    [Fact]
    public async Task TheOutboxIsDegradedWhileItsOldestEventWaitsLongerThanTheWarningAndPublishedEventsAreDeletedAfterTheirRetention()
    {
        await AddAsync(1);
        _events.Publisher.Failing = true;
        await _events.RelayAsync();
        _events.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(HealthStatus.Degraded, (await HealthAsync()).Status);

        _events.Publisher.Failing = false;
        await _events.RelayAsync();
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync()).Status);
        Assert.Equal(1, await _events.ReadAsync(db => db.Outbox.CountAsync(Cancellation)));

        _events.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await _events.RelayAsync();
        Assert.Equal(0, await _events.ReadAsync(db => db.Outbox.CountAsync(Cancellation)));
    }

    [Fact]
    public async Task TheRelayPublishesAnEventInTheTraceThatAddedIt()
    {
        var publishes = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = publishes.Add
        };
        ActivitySource.AddActivityListener(listener);
        using var request = new Activity("cancel order").SetIdFormat(ActivityIdFormat.W3C).Start();
        await AddAsync(1);
        request.Stop();

        await _events.RelayAsync();

        var envelope = Assert.Single(_events.Publisher.Published);
        Assert.Equal(request.Id, envelope.TraceParent);
        var publish = Assert.Single(publishes, activity => activity.GetTagItem("messaging.message.id") as string == envelope.Id.ToString());
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(request.TraceId, publish.TraceId);
        Assert.Equal(request.SpanId, publish.ParentSpanId);
    }

    [Fact]
    public async Task TheRelayWorkerPublishesWhenNudgedAndOtherwiseAtItsNextPassOnTheServicesClock()
    {
        var relay = _events.Workers.OfType<OutboxRelayWorker>().Single();
        await relay.StartAsync(Cancellation);
        try
        {
            await using (var scope = _events.Scope())
            {
                var outbox = scope.ServiceProvider.GetRequiredService<IntegrationEventOutbox>();
                outbox.Add(new OrderCancelled(1, 7, 25m, "EUR"));
                await scope.ServiceProvider.GetRequiredService<EventsTestDbContext>().SaveChangesAsync(Cancellation);
                outbox.Nudge();
            }

            // The clock stands still: only the nudge can start the pass that publishes it.
            await UntilAsync(() => _events.Publisher.Published.Count == 1, advance: TimeSpan.Zero);

            await AddAsync(2);
            await UntilAsync(() => _events.Publisher.Published.Count == 2, advance: TimeSpan.FromSeconds(1));
            Assert.Equal([1, 2], _events.Publisher.Published.Select(OrderIdOf));
        }
        finally
        {
            await relay.StopAsync(Cancellation);
        }
    }

    /// <summary>Waits for <paramref name="condition"/>, moving the fake clock on by <paramref name="advance"/> at each look.</summary>
    private async Task UntilAsync(Func<bool> condition, TimeSpan advance)
    {
        var waited = Task.Run(async () =>
        {
            while (!condition())
            {
                _events.Clock.Advance(advance);
                await Task.Delay(TimeSpan.FromMilliseconds(20), Cancellation);
            }
        }, Cancellation);
        await waited.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    private async Task AddAsync(int orderId)
    {
        await using var scope = _events.Scope();
        scope.ServiceProvider.GetRequiredService<IntegrationEventOutbox>().Add(new OrderCancelled(orderId, 7, 25m, "EUR"));
        await scope.ServiceProvider.GetRequiredService<EventsTestDbContext>().SaveChangesAsync(Cancellation);
    }

    /// <summary>Cancels an order as a service does: its change and its event in one transaction, committed or not.</summary>
    private async Task AddInTransactionAsync(int orderId, bool commit)
    {
        await using var scope = _events.Scope();
        var db = scope.ServiceProvider.GetRequiredService<EventsTestDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IntegrationEventOutbox>();
        await db.InTransactionAsync(async (transaction, attempt) =>
        {
            db.StockReturns.Add(new ReturnedStock { OrderId = orderId });
            outbox.Add(new OrderCancelled(orderId, 7, 25m, "EUR"));
            await db.SaveChangesAsync(attempt);
            if (commit)
            {
                await transaction.CommitAsync(attempt);
            }

            return true;
        }, Cancellation);
    }

    private Task<OutboxEvent> FirstRowAsync() => _events.ReadAsync(db => db.Outbox.OrderBy(e => e.Id).FirstAsync(Cancellation));

    private async Task<HealthReport> HealthAsync()
    {
        await using var scope = _events.Scope();
        return await scope.ServiceProvider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
    }

    private static int OrderIdOf(Shop.Events.EventEnvelope envelope) => envelope.Data.Deserialize<OrderCancelled>(JsonSerializerOptions.Web)!.OrderId;
}
