namespace Shop.Events.Inbox;

/// <summary>Takes events from the transport into the service's inbox; what a transport's consumer calls.</summary>
public interface IEventReceiver
{
    /// <summary>The event types this service handles: the transport subscribes to these only.</summary>
    IReadOnlyCollection<string> HandledTypes { get; }

    /// <summary>
    /// Handles <paramref name="envelope"/> once: its effect and the inbox's record of it commit together. Returns once
    /// that is committed (or the event is a repeat, or scheduled to be tried again, or dead-lettered), when the
    /// transport may acknowledge it; throws when nothing could be recorded (the database is away), and the transport
    /// must deliver it again later.
    /// </summary>
    Task<ReceiveOutcome> ReceiveAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>What receiving an event came to.</summary>
public enum ReceiveOutcome
{
    /// <summary>Handled now: its effect is committed.</summary>
    Handled,

    /// <summary>A repeat of an event already in the inbox: nothing done.</summary>
    Duplicate,

    /// <summary>Of a type this service does not handle: nothing done.</summary>
    Ignored,

    /// <summary>Its handler failed; kept in the inbox, to be tried again after a backoff.</summary>
    Retrying,

    /// <summary>Its handler kept failing; kept in the inbox as a dead letter, until an administrator replays it.</summary>
    DeadLettered
}
