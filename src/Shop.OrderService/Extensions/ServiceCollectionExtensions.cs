using Shop.OrderService.Clients;
using Shop.OrderService.Data;

namespace Shop.OrderService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The orders database, the cache, and clients of the users and products services found by discovery.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<OrdersDbContext>("ordersdb");
        builder.AddRedisClient("cache");
        builder.Services.AddHttpClient<UsersClient>(client => client.BaseAddress = new($"https+http://{UsersClient.ServiceName}"));
        builder.Services.AddHttpClient<ProductsClient>(client => client.BaseAddress = new($"https+http://{ProductsClient.ServiceName}"));
        return builder;
    }
}
