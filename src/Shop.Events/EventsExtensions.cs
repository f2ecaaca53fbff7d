using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.Events;
using Shop.Events.Apis;
using Shop.Events.Inbox;
using Shop.Events.Transport;

namespace Microsoft.Extensions.Hosting;

public static class EventsExtensions
{
    /// <summary>
    /// Registers integration events for <paramref name="service"/> on its database <typeparamref name="TContext"/>: the
    /// outbox and its relay, the inbox with the <paramref name="handlers"/> of the events it takes in, its retries and
    /// dead letters, their metrics and health, and the transport. The context's model must call
    /// <c>modelBuilder.AddIntegrationEventTables()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddIntegrationEvents<TContext>(
        this IHostApplicationBuilder builder, string service, Action<IntegrationEventHandlers>? handlers = null)
        where TContext : DbContext
    {
        builder.Services.AddIntegrationEventServices<TContext>(service, handlers);
        builder.AddEventTransport(service);
        return builder;
    }

    /// <summary>
    /// Maps the administrators' dead-letter API and the transport's endpoints, where the service handles events: a
    /// service that only publishes has neither dead letters nor deliveries to take.
    /// </summary>
    public static IEndpointRouteBuilder MapIntegrationEvents(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<EventHandlerRegistry>().Types.Count > 0)
        {
            app.MapDeadLettersApi();
            app.MapEventTransport();
        }

        return app;
    }
}
