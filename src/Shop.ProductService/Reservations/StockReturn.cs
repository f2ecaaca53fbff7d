using Shop.Events;
using Shop.Events.Inbox;

namespace Shop.ProductService.Reservations;

/// <summary>
/// Gives a cancelled order's stock back when its <see cref="OrderCancelled"/> event arrives: a cancel does not wait for
/// this service, so the stock returns once the event is handled, whenever this service is up to handle it.
/// </summary>
public sealed class StockReturn(ReservationStore reservations) : IIntegrationEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled @event, EventEnvelope envelope, CancellationToken cancellationToken) =>
        reservations.GiveBackCancelledAsync(@event.OrderId, cancellationToken);
}
