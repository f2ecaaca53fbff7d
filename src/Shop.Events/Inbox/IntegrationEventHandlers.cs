using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;

namespace Shop.Events.Inbox;

/// <summary>The handlers of the events a service takes in: one per event type.</summary>
public sealed class IntegrationEventHandlers
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<string, Func<IServiceProvider, EventEnvelope, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);

    internal IntegrationEventHandlers(IServiceCollection services) => _services = services;

    internal IReadOnlyDictionary<string, Func<IServiceProvider, EventEnvelope, CancellationToken, Task>> Handlers => _handlers;

    /// <summary>Handles <typeparamref name="TEvent"/> with <typeparamref name="THandler"/>, made in the scope of each attempt.</summary>
    public IntegrationEventHandlers Handle<TEvent, THandler>()
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        if (!_handlers.TryAdd(TEvent.Type, HandleAsync<TEvent, THandler>))
        {
            throw new InvalidOperationException($"The event {TEvent.Type} has a handler already; each event type has one.");
        }

        _services.AddScoped<THandler>();
        return this;
    }

    private static Task HandleAsync<TEvent, THandler>(IServiceProvider services, EventEnvelope envelope, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        var @event = envelope.Data.Deserialize<TEvent>(JsonSerializerOptions.Web)
            ?? throw new JsonException($"Event {envelope.Id} of type {envelope.Type} carries no data.");
        return services.GetRequiredService<THandler>().HandleAsync(@event, envelope, cancellationToken);
    }
}
