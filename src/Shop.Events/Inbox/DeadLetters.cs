using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Data.Persistence;

namespace Shop.Events.Inbox;

/// <summary>The events the inbox set aside after their handler kept failing, as an administrator sees and replays them.</summary>
public sealed class DeadLetters
{
    private readonly DbContext _db;
    private readonly TimeProvider _clock;
    private readonly ILogger<DeadLetters> _logger;

    internal DeadLetters(DbContext db, TimeProvider clock, ILogger<DeadLetters> logger) => (_db, _clock, _logger) = (db, clock, logger);

    /// <summary>One page of the dead letters, the earliest dead-lettered first.</summary>
    public Task<Page<DeadLetterResponse>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        _db.Set<InboxEvent>()
            .Where(e => e.DeadLetteredAt != null)
            .OrderBy(e => e.DeadLetteredAt)
            .ThenBy(e => e.EventId)
            .ToPageAsync(page, ToResponse, cancellationToken);

    /// <summary>
    /// Makes the dead letter <paramref name="eventId"/> due again now, with its attempts reset: the retry worker's next
    /// pass handles it. False when there is no such dead letter, including one replayed already.
    /// </summary>
    public async Task<bool> ReplayAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var now = _clock.GetStoredNow().UtcDateTime;
        var replayed = await _db.Set<InboxEvent>()
            .Where(e => e.EventId == eventId && e.DeadLetteredAt != null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.DeadLetteredAt, (DateTime?)null)
                .SetProperty(e => e.Attempts, 0)
                .SetProperty(e => e.NextAttemptAt, now), cancellationToken) == 1;
        if (replayed)
        {
            _logger.LogInformation("Dead letter {EventId} is replayed: the retry worker handles it next", eventId);
        }

        return replayed;
    }

    private static DeadLetterResponse ToResponse(InboxEvent row)
    {
        var envelope = JsonSerializer.Deserialize<EventEnvelope>(row.Envelope, JsonSerializerOptions.Web);
        return new DeadLetterResponse(row.EventId, row.Type, envelope?.Version ?? 0, envelope?.Source ?? "", envelope?.OccurredAt,
            row.ReceivedAt, row.DeadLetteredAt!.Value, row.Attempts, row.LastError, envelope?.Data);
    }
}

/// <summary>A dead letter: the event, what it carries, and how handling it last failed.</summary>
public sealed record DeadLetterResponse(
    Guid EventId, string Type, int Version, string Source, DateTimeOffset? OccurredAt, DateTime ReceivedAt, DateTime DeadLetteredAt,
    int Attempts, string? LastError, JsonElement? Data);
