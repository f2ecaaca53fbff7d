using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.Caching.Redis;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;
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
    public async Task<UserResponse?> GetAsync(int id, CancellationToken cancellationToken) =>
        await FromEntryAsync(id, await cache.TryAsync(database => database.StringGetAsync(UserCacheEntry.Key(id)), RedisValue.Null), cancellationToken);

    /// <summary>The user of an order to show with it: found, deleted, or unavailable while the users service is away.</summary>
    public Task<UserLookup> LookUpForDisplayAsync(int id, CancellationToken cancellationToken) =>
        ForDisplayAsync(id, GetAsync(id, cancellationToken));

    /// <summary>As <see cref="LookUpForDisplayAsync(int, CancellationToken)"/>, with the user's cache entry already read (null when not cached).</summary>
    public Task<UserLookup> LookUpForDisplayAsync(int id, RedisValue entry, CancellationToken cancellationToken) =>
        ForDisplayAsync(id, FromEntryAsync(id, entry, cancellationToken));

    /// <summary>The user from its cache entry, or from the users service when the cache had none.</summary>
    private async Task<UserResponse?> FromEntryAsync(int id, RedisValue entry, CancellationToken cancellationToken)
    {
        if (id == Model.Order.ErasedCustomer)
        {
            return null;
        }

        metrics.UserCacheLookup(hit: entry.HasValue);
        if (entry.HasValue)
        {
            // Straight from the UTF-8 bytes the cache answered, without decoding them to a string first.
            return JsonSerializer.Deserialize<UserResponse>(((ReadOnlyMemory<byte>)entry).Span, json.Value.SerializerOptions);
        }

        return await http.GetFromServiceAsync<UserResponse>($"/users/{id}", ShopServices.Users, cancellationToken);
    }

    /// <summary>Awaits <paramref name="lookUp"/>, an async lookup whose failure it turns into <see cref="UserStatus.Unavailable"/>.</summary>
    private async Task<UserLookup> ForDisplayAsync(int id, Task<UserResponse?> lookUp)
    {
        try
        {
            return await lookUp is { } user
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
