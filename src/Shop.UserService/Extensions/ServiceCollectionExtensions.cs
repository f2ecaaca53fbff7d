using Shop.UserService.Caching;
using Shop.UserService.Data;

namespace Shop.UserService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The users database, the Redis client under the AppHost's name "cache", and the user cache.</summary>
    public static IHostApplicationBuilder AddUserServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<UsersDbContext>("usersdb");
        builder.AddRedisClient("cache");
        builder.Services.Configure<UserCacheOptions>(builder.Configuration.GetSection("UserCache"));
        builder.Services.AddSingleton<UserCache>();
        return builder;
    }
}
