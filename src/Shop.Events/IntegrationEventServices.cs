using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Events.Inbox;
using Shop.Events.Outbox;
using Shop.Events.Telemetry;

namespace Shop.Events;

internal static class IntegrationEventServices
{
    /// <summary>The service's database context, under this key, for the outbox, the inbox and their workers.</summary>
    public const string DatabaseKey = "Shop.Events";

    /// <summary>Everything of integration events but the transport: the outbox, its relay, the inbox, its retries, the dead letters, metrics and health.</summary>
    public static IServiceCollection AddIntegrationEventServices<TContext>(
        this IServiceCollection services, string service, Action<IntegrationEventHandlers>? configureHandlers)
        where TContext : DbContext
    {
        services.AddValidatedOptions<IntegrationEventOptions>(IntegrationEventOptions.Section);
        services.AddKeyedScoped<DbContext>(DatabaseKey, (provider, _) => provider.GetRequiredService<TContext>());
        services.AddMetrics();
        services.AddSingleton<EventMetrics>();

        services.AddSingleton<OutboxSignal>();
        services.AddScoped(provider => new IntegrationEventOutbox(
            provider.GetRequiredKeyedService<DbContext>(DatabaseKey), service, provider.GetRequiredService<OutboxSignal>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddScoped<OutboxRelay>();
        services.AddHostedService<OutboxRelayWorker>();
        services.AddHealthChecks().AddCheck<OutboxHealthCheck>("events-outbox");

        var handlers = new IntegrationEventHandlers(services);
        configureHandlers?.Invoke(handlers);
        services.AddSingleton(new EventHandlerRegistry(handlers.Handlers.ToDictionary()));
        services.AddScoped<IntegrationEventInbox>();
        services.AddSingleton<IEventReceiver, EventReceiver>();
        services.AddHostedService<InboxRetryWorker>();
        services.AddScoped(provider => new DeadLetters(
            provider.GetRequiredKeyedService<DbContext>(DatabaseKey), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DeadLetters>>()));
        return services;
    }
}
