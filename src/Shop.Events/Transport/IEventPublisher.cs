namespace Shop.Events.Transport;

/// <summary>Hands events to the transport; the outbox relay's one way out.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Publishes <paramref name="envelope"/> and returns once the transport has taken it for good (the broker's
    /// confirm, or every subscriber's 2xx); throws when it has not, and the relay tries again.
    /// </summary>
    Task PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}
