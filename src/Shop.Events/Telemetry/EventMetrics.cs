using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.Events.Telemetry;

/// <summary>The meter of integration events: the outbox's backlog, and what became of the events published and received.</summary>
public sealed class EventMetrics
{
    public const string MeterName = "Shop.Events";
    private const string TypeTag = "event.type";

    private readonly TaggedCounter _published;
    private readonly TaggedCounter _publishFailures;
    private readonly TaggedCounter _handled;
    private readonly TaggedCounter _redelivered;
    private readonly TaggedCounter _retried;
    private readonly TaggedCounter _deadLettered;
    private readonly TimeProvider _clock;
    private OutboxBacklog _backlog = OutboxBacklog.Empty;

    public EventMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        _clock = clock;
        _published = meterFactory.CreateTaggedCounter(MeterName, "shop.events.published", TypeTag, "{event}",
            "Events the transport took from the outbox for good.");
        _publishFailures = meterFactory.CreateTaggedCounter(MeterName, "shop.events.publish_failures", TypeTag, "{attempt}",
            "Attempts to publish an event that the transport refused or could not take; the relay tries again after a backoff.");
        _handled = meterFactory.CreateTaggedCounter(MeterName, "shop.events.handled", TypeTag, "{event}",
            "Received events whose effect committed, at the first attempt or a later one.");
        _redelivered = meterFactory.CreateTaggedCounter(MeterName, "shop.events.redelivered", TypeTag, "{event}",
            "Repeats of events already in the inbox, turned away with no effect.");
        _retried = meterFactory.CreateTaggedCounter(MeterName, "shop.events.retried", TypeTag, "{attempt}",
            "Attempts to handle an event again after its handler failed.");
        _deadLettered = meterFactory.CreateTaggedCounter(MeterName, "shop.events.dead_lettered", TypeTag, "{event}",
            "Events put aside after their handler failed Events:MaxAttempts times, until an administrator replays them.");

        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("shop.events.outbox.depth", () => Backlog.Depth, "{event}",
            "Events committed and not yet published.");
        meter.CreateObservableGauge("shop.events.outbox.oldest_age", () => Backlog.OldestAge(_clock.GetUtcNow().UtcDateTime).TotalSeconds, "s",
            "How long the oldest unpublished event has waited, in seconds.");
    }

    /// <summary>The outbox's backlog as the relay last measured it, which the gauges report.</summary>
    internal OutboxBacklog Backlog
    {
        get => Volatile.Read(ref _backlog);
        set => Volatile.Write(ref _backlog, value);
    }

    public void Published(string type) => _published.Add(type);

    public void PublishFailed(string type) => _publishFailures.Add(type);

    public void Handled(string type) => _handled.Add(type);

    public void Redelivered(string type) => _redelivered.Add(type);

    public void Retried(string type) => _retried.Add(type);

    public void DeadLettered(string type) => _deadLettered.Add(type);
}

/// <summary>How many events wait to be published, and since when the oldest has waited.</summary>
internal sealed record OutboxBacklog(long Depth, DateTime? OldestOccurredAt)
{
    public static OutboxBacklog Empty { get; } = new(0, null);

    public TimeSpan OldestAge(DateTime now) =>
        OldestOccurredAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}
