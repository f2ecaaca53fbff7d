using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Ordering;

namespace Shop.OrderService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The orders database, the cache, clients of the users and products services found by discovery and signed in as this service, order placement and token checks.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<OrdersDbContext>("ordersdb");
        builder.AddOptionalRedisClient("cache");

        builder.Services.Configure<ServiceIdentityOptions>(builder.Configuration.GetSection("Identity"));
        builder.Services.AddSingleton<ServiceTokenSource>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        builder.Services.AddHttpClient(ServiceTokenSource.HttpClientName, client => client.BaseAddress = new($"https+http://{UsersClient.ServiceName}"));
        builder.Services.AddHttpClient<UsersClient>(client => client.BaseAddress = new($"https+http://{UsersClient.ServiceName}"))
            .AddHttpMessageHandler<ServiceTokenHandler>();
        builder.Services.AddHttpClient<ProductsClient>(client => client.BaseAddress = new($"https+http://{ProductsClient.ServiceName}"))
            .AddHttpMessageHandler<ServiceTokenHandler>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<OrderingOptions>(builder.Configuration.GetSection("Ordering"));
        builder.Services.AddSingleton<OrderMetrics>();
        builder.Services.AddScoped<OrderPlacement>();
        builder.Services.AddScoped<IdempotentPlacement>();
        builder.Services.AddHostedService<OrderRecovery>();

        builder.AddDefaultAuthentication("orders");
        builder.AddDefaultRateLimiting();
        return builder;
    }
}
