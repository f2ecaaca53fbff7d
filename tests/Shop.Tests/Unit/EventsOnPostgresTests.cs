using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.Data.Persistence;
using Shop.Events.Inbox;
using Shop.Events.Outbox;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Unit;

/// <summary>
/// On PostgreSQL as on SQLite: repeats delivered at once are handled once (the inbox's key refuses all but the first,
/// and the refusal is told apart from a failure), and retries, dead letters, replays and the relay work the same, with
/// the retrying execution strategy the services use there.
/// </summary>
public sealed class EventsOnPostgresTests : IAsyncLifetime
{
    private StandalonePostgres _server = null!;
    private EventsHarness _events = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await StandalonePostgres.StartAsync();
        var connectionString = $"{_server.ConnectionString};Database=events";
        _events = await EventsHarness.StartAsync(new Dictionary<string, string?> { ["Events:MaxAttempts"] = "2" },
            options => options.UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RepeatsDeliveredAtOnceAreHandledOnceAndAFailingEventIsDeadLetteredThenReplayed()
    {
        var racing = _events.Cancellation(orderId: 6);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _events.Receiver.ReceiveAsync(racing, Cancellation)));
        Assert.Equal([ReceiveOutcome.Handled, ReceiveOutcome.Duplicate, ReceiveOutcome.Duplicate, ReceiveOutcome.Duplicate], outcomes.Order());

        _events.Handler.Failing = true;
        var failing = _events.Cancellation(orderId: 7);
        Assert.Equal(ReceiveOutcome.Retrying, await _events.Receiver.ReceiveAsync(failing, Cancellation));
        _events.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _events.RetryAsync());
        await using (var scope = _events.Scope())
        {
            var deadLetters = scope.ServiceProvider.GetRequiredService<DeadLetters>();
            Assert.Equal(failing.Id, Assert.Single((await deadLetters.ListAsync(new PageRequest(), Cancellation)).Items).EventId);
            _events.Handler.Failing = false;
            Assert.True(await deadLetters.ReplayAsync(failing.Id, Cancellation));
            Assert.False(await deadLetters.ReplayAsync(failing.Id, Cancellation));
        }

        Assert.Equal(1, await _events.RetryAsync());
        Assert.Equal([6, 7], await _events.ReadAsync(db => db.StockReturns.Select(r => r.OrderId).Order().ToListAsync(Cancellation)));
    }

    [Fact]
    public async Task TheRelayPublishesWhatATransactionCommittedInOrderAfterTheTransportRecovers()
    {
        await using (var scope = _events.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EventsTestDbContext>();
            var outbox = scope.ServiceProvider.GetRequiredService<IntegrationEventOutbox>();
            await db.InTransactionAsync(async (transaction, attempt) =>
            {
                outbox.Add(new OrderCancelled(1, 7, 25m, "EUR"));
                outbox.Add(new OrderCancelled(2, 7, 25m, "EUR"));
                await db.SaveChangesAsync(attempt);
                await transaction.CommitAsync(attempt);
                return true;
            }, Cancellation);
        }

        _events.Publisher.Failing = true;
        Assert.Equal(0, await _events.RelayAsync());
        _events.Publisher.Failing = false;
        _events.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await _events.RelayAsync());

        Assert.Equal([1, 2], _events.Publisher.Published.Select(e => e.Data.Deserialize<OrderCancelled>(JsonSerializerOptions.Web)!.OrderId));
        _events.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await _events.RelayAsync();
        Assert.Equal(0, await _events.ReadAsync(db => db.Outbox.CountAsync(Cancellation)));
    }
}
