using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.OrderService.Caching;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Ordering;
using Shop.OrderService.Ordering.Batching;
using Shop.OrderService.Ordering.Idempotency;

namespace Shop.OrderService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The orders database, the shared cache, clients of the users and products services signed in as this service, the orders it keeps in memory, the order lifecycle and token checks.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddServiceDatabase<OrdersDbContext, PostgresOrdersDbContext>(ShopResources.OrdersDatabase);
        builder.AddOptionalRedisClient(ShopResources.Cache);

        builder.AddServiceIdentity(ShopServices.Orders, ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead);
        builder.AddServiceClient<UsersClient>(ShopServices.Users);
        builder.AddServiceClient<ProductsClient>(ShopServices.Products);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<OrderingOptions>().BindConfiguration(OrderingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OrderMetrics>();
        builder.Services.AddSingleton<OrderCache>();
        builder.Services.AddHostedService<OrderCacheRepair>();
        builder.Services.AddSingleton<BatchedPlacementSteps>();
        builder.Services.AddScoped<OrderLifecycle>();
        builder.Services.AddScoped<IdempotentPlacement>();
        builder.Services.AddHostedService<OrderRecovery>();

        builder.AddDefaultAuthentication(ShopServices.Orders);
        builder.AddDefaultRateLimiting();
        return builder;
    }
}
