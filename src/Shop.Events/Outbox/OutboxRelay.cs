using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Data.Persistence;
using Shop.Events.Telemetry;
using Shop.Events.Transport;

namespace Shop.Events.Outbox;

/// <summary>
/// One pass of the relay: publishes the outbox's due events in the order they were committed, marks each published
/// once the transport took it, and deletes the ones published longer ago than <c>Events:PublishedRetention</c>.
/// </summary>
/// <remarks>
/// An event the transport does not take waits before it is tried again, one second after its first failure, doubling
/// up to a minute. The pass stops at that failure, since the next events would most likely fail the same way; an event
/// that fails alone lets the ones after it through at the next pass, so one poisoned event holds back no other.
/// Delivery is at least once: an event whose mark is lost is published again, and the inbox turns the repeat away.
/// </remarks>
internal sealed partial class OutboxRelay(
    [FromKeyedServices(IntegrationEventServices.DatabaseKey)] DbContext db, IEventPublisher publisher, EventMetrics metrics, IOptions<IntegrationEventOptions> options, TimeProvider clock,
    ILogger<OutboxRelay> logger)
{
    private const int Batch = 100;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private IQueryable<OutboxEvent> Events => db.Set<OutboxEvent>();

    /// <summary>Publishes what is due; answers how many events the transport took.</summary>
    public async Task<int> RelayAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        while (true)
        {
            var now = clock.GetStoredNow().UtcDateTime;
            var due = await Events.AsNoTracking()
                .Where(e => e.PublishedAt == null && e.NextAttemptAt <= now)
                .OrderBy(e => e.Id)
                .Take(Batch)
                .ToListAsync(cancellationToken);
            foreach (var row in due)
            {
                if (!await PublishAsync(row, cancellationToken))
                {
                    await RemovePublishedAsync(cancellationToken);
                    return published;
                }

                published++;
            }

            if (due.Count < Batch)
            {
                await RemovePublishedAsync(cancellationToken);
                return published;
            }
        }
    }

    /// <summary>Measures the backlog for the gauges.</summary>
    public async Task MeasureAsync(CancellationToken cancellationToken)
    {
        var waiting = Events.Where(e => e.PublishedAt == null);
        var oldest = await waiting.OrderBy(e => e.Id).Select(e => (DateTime?)e.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        var depth = oldest is null ? 0 : await waiting.LongCountAsync(cancellationToken);
        metrics.Backlog = new OutboxBacklog(depth, oldest);
    }

    private async Task<bool> PublishAsync(OutboxEvent row, CancellationToken cancellationToken)
    {
        var envelope = JsonSerializer.Deserialize<EventEnvelope>(row.Envelope, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"The outbox holds no envelope for event {row.EventId}.");
        using var activity = EventTracing.StartPublish(envelope);
        try
        {
            await publisher.PublishAsync(envelope, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            activity.Fail(exception);
            var failures = row.Attempts + 1;
            var wait = Backoff.After(failures, MaxBackoff);
            var error = IntegrationEventLimits.Describe(exception);
            var next = clock.GetStoredNow().UtcDateTime + wait;
            metrics.PublishFailed(row.Type);
            LogPublishFailed(row.EventId, row.Type, failures, wait, exception.GetBaseException().Message);
            await Events.Where(e => e.Id == row.Id).ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Attempts, failures)
                .SetProperty(e => e.NextAttemptAt, next)
                .SetProperty(e => e.LastError, error), cancellationToken);
            return false;
        }

        var publishedAt = clock.GetStoredNow().UtcDateTime;
        await Events.Where(e => e.Id == row.Id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.PublishedAt, publishedAt)
            .SetProperty(e => e.NextAttemptAt, (DateTime?)null)
            .SetProperty(e => e.LastError, (string?)null), cancellationToken);
        metrics.Published(row.Type);
        return true;
    }

    private async Task RemovePublishedAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetStoredNow().UtcDateTime - options.Value.PublishedRetention;
        await Events.Where(e => e.PublishedAt != null && e.PublishedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Publishing event {EventId} of type {EventType} failed at attempt {Attempt}; the relay tries it again in {Wait}: {Reason}")]
    private partial void LogPublishFailed(Guid eventId, string eventType, int attempt, TimeSpan wait, string reason);
}
