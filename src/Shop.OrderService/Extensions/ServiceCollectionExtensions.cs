using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Ordering;

namespace Shop.OrderService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The orders database, the cache, clients of the users and products services found by discovery, and order placement.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<OrdersDbContext>("ordersdb");
        builder.AddRedisClient("cache");
        builder.Services.AddHttpClient<UsersClient>(client => client.BaseAddress = new($"https+http://{UsersClient.ServiceName}"));
        builder.Services.AddHttpClient<ProductsClient>(client => client.BaseAddress = new($"https+http://{ProductsClient.ServiceName}"));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<OrderingOptions>(builder.Configuration.GetSection("Ordering"));
        builder.Services.AddScoped<OrderPlacement>();
        builder.Services.AddScoped<IdempotentPlacement>();
        builder.Services.AddHostedService<OrderRecovery>();
        return builder;
    }
}
