using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Data.Persistence;
using Shop.Data.Providers;
using Shop.Events.Telemetry;

namespace Shop.Events.Inbox;

/// <summary>
/// The service's inbox: handles each event once, its effect committed in one transaction with the row that records
/// it, whose key turns every repeat away. An event whose handler fails is kept, tried again after a backoff (1 s, 2 s,
/// 4 s…), and after <c>Events:MaxAttempts</c> failures set aside as a dead letter, until an administrator replays it.
/// </summary>
/// <remarks>
/// A database that is away is no failure of the handler: nothing is recorded, and the exception goes back to the
/// transport, which delivers the event again later, or to the retry worker, which waits for the database.
/// </remarks>
internal sealed partial class IntegrationEventInbox(
    [FromKeyedServices(IntegrationEventServices.DatabaseKey)] DbContext db, IServiceProvider services, EventHandlerRegistry handlers,
    EventMetrics metrics, IOptions<IntegrationEventOptions> options, TimeProvider clock, ILogger<IntegrationEventInbox> logger)
{
    private const int Batch = 100;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    private DbSet<InboxEvent> Events => db.Set<InboxEvent>();

    public async Task<ReceiveOutcome> ReceiveAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!handlers.TryGet(envelope.Type, out var handle))
        {
            return ReceiveOutcome.Ignored;
        }

        using var activity = EventTracing.StartProcess(envelope);
        var json = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web);
        Exception? failure = null;
        var outcome = await db.InTransactionAsync(async (transaction, attempt) =>
        {
            failure = null;
            var now = clock.GetStoredNow().UtcDateTime;
            // A repeat of an event handled earlier is found at once; one delivered at the same moment waits on the
            // row's key, written before the handler runs, and is then turned away.
            if (await Events.AnyAsync(e => e.EventId == envelope.Id, attempt))
            {
                return ReceiveOutcome.Duplicate;
            }

            Events.Add(new InboxEvent { EventId = envelope.Id, Type = envelope.Type, Envelope = json, ReceivedAt = now, HandledAt = now, Attempts = 1 });
            if (!await db.TrySaveChangesAsync(attempt))
            {
                return ReceiveOutcome.Duplicate;
            }

            try
            {
                await handle(services, envelope, attempt);
                await db.SaveChangesAsync(attempt);
            }
            catch (Exception exception) when (IsHandlerFailure(exception, attempt))
            {
                failure = exception;
                return ReceiveOutcome.Retrying;
            }

            await transaction.CommitAsync(attempt);
            return ReceiveOutcome.Handled;
        }, cancellationToken);

        switch (outcome)
        {
            case ReceiveOutcome.Handled:
                metrics.Handled(envelope.Type);
                return outcome;
            case ReceiveOutcome.Duplicate:
                metrics.Redelivered(envelope.Type);
                LogDuplicate(envelope.Id, envelope.Type);
                return outcome;
            default:
                activity.Fail(failure!);
                return await KeepFailedAsync(envelope, json, failure!, cancellationToken);
        }
    }

    /// <summary>Tries again the events whose backoff is over, oldest due first; removes handled events past their retention.</summary>
    public async Task<int> RetryDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow().UtcDateTime;
        var due = await Events.AsNoTracking()
            .Where(e => e.NextAttemptAt != null && e.NextAttemptAt <= now)
            .OrderBy(e => e.NextAttemptAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        foreach (var row in due)
        {
            await RetryAsync(row, cancellationToken);
        }

        var handledBefore = now - options.Value.HandledRetention;
        await Events.Where(e => e.HandledAt != null && e.HandledAt < handledBefore).ExecuteDeleteAsync(cancellationToken);
        return due.Count;
    }

    private async Task RetryAsync(InboxEvent due, CancellationToken cancellationToken)
    {
        var envelope = JsonSerializer.Deserialize<EventEnvelope>(due.Envelope, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"The inbox holds no envelope for event {due.EventId}.");
        using var activity = EventTracing.StartProcess(envelope);
        Exception? failure = null;
        var handled = await db.InTransactionAsync(async (transaction, attempt) =>
        {
            failure = null;
            var row = await Events.SingleOrDefaultAsync(e => e.EventId == due.EventId && e.NextAttemptAt != null, attempt);
            if (row is null)
            {
                return false;
            }

            if (!handlers.TryGet(row.Type, out var handle))
            {
                failure = new InvalidOperationException($"This service no longer handles {row.Type} events.");
                return false;
            }

            row.Attempts++;
            row.HandledAt = clock.GetStoredNow().UtcDateTime;
            row.NextAttemptAt = null;
            row.LastError = null;
            try
            {
                await handle(services, envelope, attempt);
                await db.SaveChangesAsync(attempt);
            }
            catch (Exception exception) when (IsHandlerFailure(exception, attempt))
            {
                failure = exception;
                return false;
            }

            await transaction.CommitAsync(attempt);
            return true;
        }, cancellationToken);

        if (handled)
        {
            metrics.Retried(due.Type);
            metrics.Handled(due.Type);
            LogHandledOnRetry(due.EventId, due.Type, due.Attempts + 1);
        }
        else if (failure is not null)
        {
            metrics.Retried(due.Type);
            activity.Fail(failure);
            await RecordFailureAsync(due.EventId, due.Type, due.Attempts + 1, failure, cancellationToken);
        }
    }

    /// <summary>Keeps an event whose first attempt failed, to be tried again, or as a dead letter when no attempt is left.</summary>
    private async Task<ReceiveOutcome> KeepFailedAsync(EventEnvelope envelope, string json, Exception failure, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetStoredNow().UtcDateTime;
        var row = new InboxEvent
        {
            EventId = envelope.Id, Type = envelope.Type, Envelope = json, ReceivedAt = now, Attempts = 1,
            LastError = IntegrationEventLimits.Describe(failure)
        };
        var deadLettered = row.Attempts >= options.Value.MaxAttempts;
        var wait = Backoff.After(row.Attempts, MaxBackoff);
        if (deadLettered)
        {
            row.DeadLetteredAt = now;
        }
        else
        {
            row.NextAttemptAt = now + wait;
        }

        Events.Add(row);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            // A repeat delivered meanwhile was handled, or kept, first.
            metrics.Redelivered(envelope.Type);
            return ReceiveOutcome.Duplicate;
        }

        Report(envelope.Id, envelope.Type, row.Attempts, deadLettered, wait, failure);
        return deadLettered ? ReceiveOutcome.DeadLettered : ReceiveOutcome.Retrying;
    }

    private async Task RecordFailureAsync(Guid eventId, string type, int attempts, Exception failure, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetStoredNow().UtcDateTime;
        var error = IntegrationEventLimits.Describe(failure);
        var deadLettered = attempts >= options.Value.MaxAttempts;
        var wait = Backoff.After(attempts, MaxBackoff);
        DateTime? nextAttemptAt = deadLettered ? null : now + wait;
        DateTime? deadLetteredAt = deadLettered ? now : null;
        var pending = Events.Where(e => e.EventId == eventId && e.NextAttemptAt != null);
        if (await pending.ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.LastError, error)
                .SetProperty(e => e.NextAttemptAt, nextAttemptAt)
                .SetProperty(e => e.DeadLetteredAt, deadLetteredAt), cancellationToken) == 1)
        {
            Report(eventId, type, attempts, deadLettered, wait, failure);
        }
    }

    private void Report(Guid eventId, string type, int attempts, bool deadLettered, TimeSpan wait, Exception failure)
    {
        if (deadLettered)
        {
            metrics.DeadLettered(type);
            LogDeadLettered(failure, eventId, type, attempts, IntegrationEventLimits.Describe(failure));
        }
        else
        {
            LogRetrying(failure, eventId, type, attempts, wait);
        }
    }

    /// <summary>A failure of the handler, as opposed to the database being away or the service stopping.</summary>
    private static bool IsHandlerFailure(Exception exception, CancellationToken cancellationToken) =>
        !DatabaseOutage.IsOutage(exception) && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    [LoggerMessage(LogLevel.Information, "Event {EventId} of type {EventType} is in the inbox already; the repeat is turned away")]
    private partial void LogDuplicate(Guid eventId, string eventType);

    [LoggerMessage(LogLevel.Information, "Event {EventId} of type {EventType} was handled at attempt {Attempt}")]
    private partial void LogHandledOnRetry(Guid eventId, string eventType, int attempt);

    [LoggerMessage(LogLevel.Warning, "Handling event {EventId} of type {EventType} failed at attempt {Attempt}; it is tried again in {Wait}")]
    private partial void LogRetrying(Exception exception, Guid eventId, string eventType, int attempt, TimeSpan wait);

    [LoggerMessage(LogLevel.Error, "Event {EventId} of type {EventType} is dead-lettered after {Attempts} failed attempts; the last: {LastError}")]
    private partial void LogDeadLettered(Exception exception, Guid eventId, string eventType, int attempts, string lastError);
}
