using Shop.Events;
using Shop.Events.Inbox;

namespace Shop.OrderService.Webhooks;

/// <summary>Queues the webhooks of a confirmed order when its event is handled, in the inbox's transaction.</summary>
public sealed class OrderConfirmedWebhooks(WebhookFanOut fanOut) : IIntegrationEventHandler<OrderConfirmed>
{
    public Task HandleAsync(OrderConfirmed @event, EventEnvelope envelope, CancellationToken cancellationToken) =>
        fanOut.EnqueueAsync(envelope, cancellationToken);
}

/// <summary>Queues the webhooks of a cancelled order when its event is handled, in the inbox's transaction.</summary>
public sealed class OrderCancelledWebhooks(WebhookFanOut fanOut) : IIntegrationEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled @event, EventEnvelope envelope, CancellationToken cancellationToken) =>
        fanOut.EnqueueAsync(envelope, cancellationToken);
}
