using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.OrderService.Model;
using StackExchange.Redis;

namespace Shop.OrderService.Clients;

/// <summary>
/// Looks users up in the shared cache first (the entry <c>users:{id}</c> that the users service keeps),
/// then from the users service, which caches what it answers. Only the users service writes the cache,
/// so that an update it has answered can never be overwritten here by an older copy.
/// </summary>
public sealed class UsersClient(HttpClient http, IConnectionMultiplexer redis, IOptions<JsonOptions> json)
{
    public const string ServiceName = "users";

    public async Task<UserSnapshot?> GetAsync(int id, CancellationToken cancellationToken)
    {
        var cached = await redis.GetDatabase().StringGetAsync($"users:{id}");
        if (cached.HasValue)
        {
            return JsonSerializer.Deserialize<UserSnapshot>(cached.ToString(), json.Value.SerializerOptions);
        }

        return await http.GetFromServiceAsync<UserSnapshot>($"/users/{id}", ServiceName, cancellationToken);
    }
}
