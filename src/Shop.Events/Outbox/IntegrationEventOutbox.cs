using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shop.Contracts;
using Shop.Data.Persistence;
using Shop.Events.Telemetry;

namespace Shop.Events.Outbox;

/// <summary>
/// Where the service puts the integration events it publishes: each is added to the service's database context with
/// the change it tells of, so that the two commit together or not at all, and the relay publishes it once committed.
/// </summary>
public sealed class IntegrationEventOutbox
{
    private readonly DbContext _db;
    private readonly string _source;
    private readonly OutboxSignal _signal;
    private readonly TimeProvider _clock;

    internal IntegrationEventOutbox(DbContext db, string source, OutboxSignal signal, TimeProvider clock) =>
        (_db, _source, _signal, _clock) = (db, source, signal, clock);

    /// <summary>
    /// Adds <paramref name="event"/> to the context's pending changes, in the trace of the code that adds it; the
    /// caller's <c>SaveChanges</c>, or the commit of its transaction, commits it with the rest.
    /// </summary>
    /// <remarks>
    /// In <see cref="TransactionExtensions.InTransactionAsync{T}"/>, add it inside the work: each attempt starts on a
    /// cleared context, which would drop an event added before.
    /// </remarks>
    public void Add<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        var occurredAt = _clock.GetStoredNow();
        var (traceParent, traceState) = EventTracing.Capture();
        var envelope = new EventEnvelope(Guid.CreateVersion7(occurredAt), TEvent.Type, TEvent.Version, occurredAt, _source,
            traceParent, traceState, JsonSerializer.SerializeToElement(@event, JsonSerializerOptions.Web));
        var json = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web);
        if (json.Length > IntegrationEventLimits.MaxEnvelopeLength)
        {
            throw new ArgumentException($"The {TEvent.Type} event is {json.Length} characters long; the outbox holds up to {IntegrationEventLimits.MaxEnvelopeLength}.", nameof(@event));
        }

        _db.Set<OutboxEvent>().Add(new OutboxEvent
        {
            EventId = envelope.Id,
            Type = envelope.Type,
            Version = envelope.Version,
            OccurredAt = occurredAt.UtcDateTime,
            Envelope = json,
            NextAttemptAt = occurredAt.UtcDateTime
        });
    }

    /// <summary>
    /// Lets the relay publish now rather than at its next pass; call it once the events are committed. It wakes this
    /// replica's relay: where another replica holds the relay's lease, that one publishes them at its next pass, within a second.
    /// </summary>
    public void Nudge() => _signal.Nudge();
}
