namespace Shop.Events.Inbox;

/// <summary>
/// An event the service received: handled (its effect committed with this row), waiting for another attempt after its
/// handler failed, or dead-lettered after <c>Events:MaxAttempts</c> failures. Its key turns away every repeat.
/// </summary>
public sealed class InboxEvent
{
    public Guid EventId { get; set; }
    public required string Type { get; set; }

    /// <summary>The <see cref="EventEnvelope"/> as JSON, as it came, for the retries and a replay.</summary>
    public required string Envelope { get; set; }

    public DateTime ReceivedAt { get; set; }
    public DateTime? HandledAt { get; set; }

    /// <summary>The attempts to handle it so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the retry worker tries it again; null once it is handled or dead-lettered.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public string? LastError { get; set; }
    public DateTime? DeadLetteredAt { get; set; }
}
