using System.ComponentModel.DataAnnotations;

namespace Shop.Events;

/// <summary>The settings of the outbox and the inbox, under <c>Events</c>, beside the transport's.</summary>
public sealed class IntegrationEventOptions
{
    public const string Section = "Events";

    /// <summary>How many times a received event's handler is tried before the event is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long the oldest unpublished event may wait before <c>/health</c> reports Degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PublishDelayWarning { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a published event stays in the outbox, for an operator to look at, before the relay deletes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan PublishedRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a handled event stays in the inbox, which turns away its repeats meanwhile: well beyond the time the
    /// publisher keeps it, after which nothing delivers it again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan HandledRetention { get; set; } = TimeSpan.FromDays(7);
}
