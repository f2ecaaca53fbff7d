namespace Shop.Events.Outbox;

/// <summary>
/// An event the service committed and still owes, or lately owed, the transport: written with the change it tells of,
/// published by the relay in <see cref="Id"/> order, and deleted a while after it was published.
/// </summary>
public sealed class OutboxEvent
{
    public long Id { get; set; }
    public Guid EventId { get; set; }
    public required string Type { get; set; }
    public int Version { get; set; }
    public DateTime OccurredAt { get; set; }

    /// <summary>The <see cref="EventEnvelope"/> as JSON, as it goes on the wire.</summary>
    public required string Envelope { get; set; }

    public DateTime? PublishedAt { get; set; }

    /// <summary>The failed attempts to publish it so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the relay may try it (again); null once it is published.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}
