using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Shop.Contracts;
using Shop.Events.Transport.Http;
using Shop.Events.Transport.RabbitMq;

namespace Shop.Events.Transport;

internal static class EventTransportExtensions
{
    /// <summary>The library's own publish and deliver spans, which nest under the relay's and take the trace on.</summary>
    private static readonly string[] RabbitMqActivitySources = ["RabbitMQ.Client.Publisher", "RabbitMQ.Client.Subscriber"];

    /// <summary>
    /// The transport of <c>Events:Transport</c>: RabbitMQ (the default when there is a connection string
    /// <c>ConnectionStrings:events</c>) or signed HTTP deliveries (the default without one); its publisher, and for
    /// RabbitMQ the consumer of <paramref name="service"/>'s queue.
    /// </summary>
    internal static IHostApplicationBuilder AddEventTransport(this IHostApplicationBuilder builder, string service)
    {
        var connectionString = builder.Configuration.GetConnectionString(ShopResources.Events);
        var transport = builder.Configuration[EventTransports.Setting] is { Length: > 0 } configured
            ? configured
            : string.IsNullOrWhiteSpace(connectionString) ? EventTransports.Http : EventTransports.RabbitMq;

        if (string.Equals(transport, EventTransports.RabbitMq, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"{EventTransports.Setting} is {EventTransports.RabbitMq}, but there is no connection string ConnectionStrings:{ShopResources.Events} "
                    + "(amqp://user:password@host:port) to reach the broker with.");
            }

            builder.Services.AddSingleton(new RabbitMqBroker(connectionString, service));
            builder.Services.AddSingleton<IEventPublisher, RabbitMqEventPublisher>();
            builder.Services.AddSingleton<RabbitMqConsumerState>();
            builder.Services.AddHostedService<RabbitMqEventConsumer>();
            builder.Services.AddHealthChecks().AddCheck<RabbitMqConsumerHealthCheck>("events-consumer");
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(RabbitMqActivitySources));
        }
        else if (string.Equals(transport, EventTransports.Http, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddValidatedOptions<HttpEventTransportOptions>(HttpEventTransportOptions.Section);
            builder.Services.AddSingleton(services => new DeliverySignature(
                services.GetRequiredService<IOptions<HttpEventTransportOptions>>().Value.Secret!, services.GetRequiredService<TimeProvider>()));
            builder.Services.AddHttpClient(HttpEventPublisher.ClientName);
            builder.Services.AddSingleton<IEventPublisher, HttpEventPublisher>();
        }
        else
        {
            throw new InvalidOperationException(
                $"{EventTransports.Setting} is '{transport}': it must be {EventTransports.RabbitMq} or {EventTransports.Http}.");
        }

        builder.Services.AddSingleton(new SelectedEventTransport(transport.ToLowerInvariant()));
        return builder;
    }

    /// <summary>On the HTTP transport, the endpoint that takes other services' deliveries, <c>POST /events/deliveries</c>.</summary>
    internal static IEndpointRouteBuilder MapEventTransport(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<SelectedEventTransport>().Name == EventTransports.Http)
        {
            app.MapEventDeliveryApi();
        }

        return app;
    }

    /// <summary>The transport <see cref="AddEventTransport"/> chose, for <see cref="MapEventTransport"/>.</summary>
    private sealed record SelectedEventTransport(string Name);
}
