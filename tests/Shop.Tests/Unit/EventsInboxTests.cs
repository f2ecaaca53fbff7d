using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Shop.Events.Apis;
using Shop.Events.Inbox;

namespace Shop.Tests.Unit;

/// <summary>
/// A service handles each event it takes in once, its effect committed with the inbox's record of it; a handler that
/// fails has its event tried again with a backoff, then set aside as a dead letter, which an administrator replays.
/// </summary>
public sealed class EventsInboxTests : IAsyncLifetime
{
    private EventsHarness _events = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _events = await EventsHarness.StartAsync();

    public ValueTask DisposeAsync() => _events.DisposeAsync();

    [Fact]
    public async Task AnEventIsHandledOnceAndItsRepeatIsADuplicateWithNoSecondEffect()
    {
        var envelope = _events.Cancellation(orderId: 5);
        using var handled = _events.Collect("shop.events.handled");
        using var redelivered = _events.Collect("shop.events.redelivered");

        Assert.Equal(ReceiveOutcome.Handled, await _events.Receiver.ReceiveAsync(envelope, Cancellation));
        Assert.Equal(ReceiveOutcome.Duplicate, await _events.Receiver.ReceiveAsync(envelope, Cancellation));

        Assert.Equal(1, _events.Handler.Calls);
        var effect = Assert.Single(await _events.ReadAsync(db => db.StockReturns.ToListAsync(Cancellation)));
        Assert.Equal((5, envelope.Id), (effect.OrderId, effect.EventId));
        var record = Assert.Single(await _events.ReadAsync(db => db.Inbox.ToListAsync(Cancellation)));
        Assert.Equal(_events.Clock.GetUtcNow().UtcDateTime, record.HandledAt);
        Assert.Equal(1, handled.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, redelivered.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task AnEventOfATypeTheServiceDoesNotHandleIsIgnoredAndNotRecorded()
    {
        var envelope = _events.Cancellation(orderId: 5) with { Type = UserDeleted.Type };

        Assert.Equal(ReceiveOutcome.Ignored, await _events.Receiver.ReceiveAsync(envelope, Cancellation));

        Assert.Equal([OrderCancelled.Type], _events.Receiver.HandledTypes);
        Assert.Equal(0, await _events.ReadAsync(db => db.Inbox.CountAsync(Cancellation)));
    }

    [Fact]
    public async Task AFailingHandlerLeavesNoEffectAndItsEventIsRetriedWithBackoffThenDeadLettered()
    {
        var envelope = _events.Cancellation(orderId: 5);
        _events.Handler.Failing = true;
        using var retried = _events.Collect("shop.events.retried");
        using var deadLettered = _events.Collect("shop.events.dead_lettered");

        Assert.Equal(ReceiveOutcome.Retrying, await _events.Receiver.ReceiveAsync(envelope, Cancellation));
        var record = await RecordAsync(envelope.Id);
        Assert.Equal((1, _events.Clock.GetUtcNow().UtcDateTime.AddSeconds(1)), (record.Attempts, record.NextAttemptAt));
        Assert.Contains("The stock could not be returned.", record.LastError);
        Assert.Null(record.HandledAt);
        Assert.Equal(ReceiveOutcome.Duplicate, await _events.Receiver.ReceiveAsync(envelope, Cancellation));

        await _events.RetryAsync();
        Assert.Equal(1, _events.Handler.Calls);

        // The second to the fifth attempt, each after twice the wait before it.
        foreach (var (wait, attempt) in new[] { (1, 2), (2, 3), (4, 4) })
        {
            _events.Clock.Advance(TimeSpan.FromSeconds(wait));
            Assert.Equal(1, await _events.RetryAsync());
            record = await RecordAsync(envelope.Id);
            Assert.Equal((attempt, _events.Clock.GetUtcNow().UtcDateTime.AddSeconds(2 * wait)), (record.Attempts, record.NextAttemptAt));
        }

        _events.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(1, await _events.RetryAsync());

        record = await RecordAsync(envelope.Id);
        Assert.Equal((5, _events.Clock.GetUtcNow().UtcDateTime, (DateTime?)null), (record.Attempts, record.DeadLetteredAt, record.NextAttemptAt));
        Assert.Equal(5, _events.Handler.Calls);
        Assert.Equal(0, await _events.ReadAsync(db => db.StockReturns.CountAsync(Cancellation)));
        Assert.Equal(4, retried.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, deadLettered.GetMeasurementSnapshot().EvaluateAsCounter());
        var error = Assert.Single(_events.Logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Category == typeof(IntegrationEventInbox).FullName);
        Assert.Contains(envelope.Id.ToString(), error.Message);
        Assert.Contains(OrderCancelled.Type, error.Message);
        Assert.Contains("The stock could not be returned.", error.Message);

        _events.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await _events.RetryAsync());
        Assert.Equal(5, _events.Handler.Calls);
    }

    [Fact]
    public async Task ADeadLetterReplayedAfterItsHandlerIsFixedIsHandledExactlyOnce()
    {
        await using var events = await EventsHarness.StartAsync(new Dictionary<string, string?> { ["Events:MaxAttempts"] = "2" });
        var envelope = events.Cancellation(orderId: 5);
        events.Handler.Failing = true;
        await events.Receiver.ReceiveAsync(envelope, Cancellation);
        events.Clock.Advance(TimeSpan.FromSeconds(1));
        await events.RetryAsync();
        var listed = await DeadLettersAsync(events, deadLetters => deadLetters.ListAsync(new PageRequest(), Cancellation));
        var deadLetter = Assert.Single(listed.Items);
        Assert.Equal((envelope.Id, OrderCancelled.Type, 2, ShopServices.Orders), (deadLetter.EventId, deadLetter.Type, deadLetter.Attempts, deadLetter.Source));

        events.Handler.Failing = false;
        var replay = await DeadLettersAsync(events, deadLetters => DeadLettersApi.ReplayDeadLetter(envelope.Id, deadLetters, Cancellation));
        Assert.IsType<Accepted>(replay.Result);
        Assert.Equal(1, await events.RetryAsync());
        Assert.Equal(0, await events.RetryAsync());

        Assert.Equal(3, events.Handler.Calls);
        Assert.Equal(envelope.Id, Assert.Single(await events.ReadAsync(db => db.StockReturns.ToListAsync(Cancellation))).EventId);
        var record = await events.ReadAsync(db => db.Inbox.SingleAsync(Cancellation));
        Assert.Equal((events.Clock.GetUtcNow().UtcDateTime, (DateTime?)null, 1), (record.HandledAt, record.DeadLetteredAt, record.Attempts));
        Assert.Empty((await DeadLettersAsync(events, deadLetters => deadLetters.ListAsync(new PageRequest(), Cancellation))).Items);
        var again = await DeadLettersAsync(events, deadLetters => DeadLettersApi.ReplayDeadLetter(envelope.Id, deadLetters, Cancellation));
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(again.Result).StatusCode);
        Assert.Equal(ReceiveOutcome.Duplicate, await events.Receiver.ReceiveAsync(envelope, Cancellation));
        Assert.Equal(3, events.Handler.Calls);
    }

    [Fact]
    public async Task WithOneAttemptAFailingHandlersEventIsDeadLetteredAtOnce()
    {
        await using var events = await EventsHarness.StartAsync(new Dictionary<string, string?> { ["Events:MaxAttempts"] = "1" });
        events.Handler.Failing = true;

        Assert.Equal(ReceiveOutcome.DeadLettered, await events.Receiver.ReceiveAsync(events.Cancellation(orderId: 5), Cancellation));

        var record = await events.ReadAsync(db => db.Inbox.SingleAsync(Cancellation));
        Assert.Equal((events.Clock.GetUtcNow().UtcDateTime, (DateTime?)null), (record.DeadLetteredAt, record.NextAttemptAt));
    }

    [Fact]
    public async Task ListingDeadLettersOutsideThePagingBoundsIsAValidationProblemNamingTheFields()
    {
        var listed = await DeadLettersAsync(_events, deadLetters =>
            DeadLettersApi.ListDeadLetters(new PageRequest(-1, PageRequest.MaxPageSize + 1), deadLetters, Cancellation));

        var problem = Assert.IsType<ValidationProblem>(listed.Result);
        Assert.Equal([nameof(PageRequest.PageIndex), nameof(PageRequest.PageSize)], problem.ProblemDetails.Errors.Keys.Order());
    }

    private Task<InboxEvent> RecordAsync(Guid id) => _events.ReadAsync(db => db.Inbox.SingleAsync(e => e.EventId == id, Cancellation));

    private static async Task<T> DeadLettersAsync<T>(EventsHarness events, Func<DeadLetters, Task<T>> use)
    {
        await using var scope = events.Scope();
        return await use(scope.ServiceProvider.GetRequiredService<DeadLetters>());
    }
}
