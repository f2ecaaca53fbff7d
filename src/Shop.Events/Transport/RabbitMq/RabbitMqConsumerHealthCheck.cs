using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Events.Inbox;

namespace Shop.Events.Transport.RabbitMq;

/// <summary>Whether this service's consumer is taking its events from its queue right now.</summary>
internal sealed class RabbitMqConsumerState
{
    private volatile bool _consuming;

    public bool Consuming
    {
        get => _consuming;
        set => _consuming = value;
    }
}

/// <summary>
/// In a service that handles events, Degraded until its consumer has declared its queue and consumes from it, and again
/// while it has lost the broker: events for the service wait in the queue meanwhile (or, before the queue's first
/// declaration, reach only the queues already bound). The service still answers; the consumer connects again by itself.
/// </summary>
internal sealed class RabbitMqConsumerHealthCheck(RabbitMqConsumerState state, RabbitMqBroker broker, IEventReceiver receiver) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(receiver.HandledTypes.Count == 0 || state.Consuming
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"The service is not consuming its events' queue {broker.Queue} at {broker.Address}; it connects again by itself."));
}
