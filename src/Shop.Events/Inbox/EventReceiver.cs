using Microsoft.Extensions.DependencyInjection;

namespace Shop.Events.Inbox;

/// <summary>Takes each delivery into the inbox in a scope of its own, as a request would be.</summary>
internal sealed class EventReceiver(IServiceScopeFactory scopes, EventHandlerRegistry handlers) : IEventReceiver
{
    public IReadOnlyCollection<string> HandledTypes => handlers.Types;

    public async Task<ReceiveOutcome> ReceiveAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!handlers.Handles(envelope.Type))
        {
            return ReceiveOutcome.Ignored;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IntegrationEventInbox>().ReceiveAsync(envelope, cancellationToken);
    }
}
