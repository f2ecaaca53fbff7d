using Shop.Contracts;

namespace Shop.Events.Inbox;

/// <summary>
/// Does what this service does when <typeparamref name="TEvent"/> happens. It runs inside the inbox's transaction on
/// the service's scoped database context, so that its writes commit with the inbox's record of the event, or not at all.
/// It throws to have the event tried again later; it need not commit or save (the inbox saves the context).
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent @event, EventEnvelope envelope, CancellationToken cancellationToken);
}
