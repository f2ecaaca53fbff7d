namespace Shop.OrderService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The orders database, the shared cache, clients of the users and products services signed in as this service, the orders it keeps in memory, the order lifecycle with its events, webhooks, and token checks.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddServiceDatabase<OrdersDbContext, PostgresOrdersDbContext>(ShopResources.OrdersDatabase);
        builder.AddPeerClients();
        builder.AddOrderCache();

        builder.Services.AddValidatedOptions<OrderingOptions>(OrderingOptions.Section);
        builder.Services.AddSingleton<OrderMetrics>();
        builder.Services.AddSingleton<BatchedPlacementSteps>();
        builder.Services.AddScoped<OrderLifecycle>();
        builder.Services.AddScoped<IdempotentPlacement>();
        builder.Services.AddHostedService<OrderRecovery>();
        builder.AddWebhooks();
        builder.AddIntegrationEvents<OrdersDbContext>(ShopServices.Orders, handlers => handlers
            .Handle<UserDeleted, CustomerErasure>()
            .Handle<OrderConfirmed, OrderConfirmedWebhooks>()
            .Handle<OrderCancelled, OrderCancelledWebhooks>());

        builder.AddDefaultAuthentication(ShopServices.Orders);
        builder.AddDefaultRateLimiting();
        return builder;
    }

    /// <summary>Clients of the users and products services, whose calls carry this service's own token.</summary>
    private static void AddPeerClients(this IHostApplicationBuilder builder)
    {
        builder.AddServiceIdentity(ShopServices.Orders, ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead);
        builder.AddServiceClient<UsersClient>(ShopServices.Users);
        builder.AddServiceClient<ProductsClient>(ShopServices.Products);
    }

    /// <summary>The shared cache, and the orders each replica keeps in memory.</summary>
    private static void AddOrderCache(this IHostApplicationBuilder builder)
    {
        builder.AddOptionalRedisClient(ShopResources.Cache);
        builder.Services.AddSingleton<OrderCache>();
        builder.Services.AddHostedService<OrderCacheRepair>();
    }
}
