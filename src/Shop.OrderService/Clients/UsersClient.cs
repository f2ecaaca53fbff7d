using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.Contracts;
using Shop.OrderService.Model;
using Shop.OrderService.Ordering;
using Shop.ServiceDefaults;
using StackExchange.Redis;

namespace Shop.OrderService.Clients;

/// <summary>
/// Looks users up in the shared cache first (the entry <see cref="UserCacheEntry.Key"/> that the users service keeps),
/// then from the users service, which caches what it answers. Only the users service writes the cache,
/// so that an update it has answered can never be overwritten here by an older copy.
/// </summary>
/// <remarks>When the cache is away or slow, lookups go to the users service (<see cref="OptionalCache"/>).</remarks>
public sealed class UsersClient(HttpClient http, OptionalCache cache, IOptions<JsonOptions> json, OrderMetrics metrics, ILogger<UsersClient> logger)
{
    /// <summary>The user, or null when there is none; a <see cref="DependencyUnavailableException"/> when the users service cannot answer.</summary>
    public async Task<UserResponse?> GetAsync(int id, CancellationToken cancellationToken)
    {
        var cached = await cache.TryAsync(database => database.StringGetAsync(UserCacheEntry.Key(id)), RedisValue.Null);
        metrics.UserCacheLookup(hit: cached.HasValue);
        if (cached.HasValue)
        {
            // Straight from the UTF-8 bytes the cache answered, without decoding them to a string first.
            return JsonSerializer.Deserialize<UserResponse>(((ReadOnlyMemory<byte>)cached).Span, json.Value.SerializerOptions);
        }

        return await http.GetFromServiceAsync<UserResponse>($"/users/{id}", ShopServices.Users, cancellationToken);
    }

    /// <summary>The user of an order to show with it: found, deleted, or unavailable while the users service is away.</summary>
    public async Task<UserLookup> LookUpForDisplayAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(id, cancellationToken) is { } user
                ? new UserLookup(user, UserStatus.Found)
                : new UserLookup(null, UserStatus.Deleted);
        }
        catch (DependencyUnavailableException exception)
        {
            logger.LogWarning("Showing order without user {UserId}: the {Dependency} service is unavailable", id, exception.Dependency);
            return new UserLookup(null, UserStatus.Unavailable);
        }
    }
}
