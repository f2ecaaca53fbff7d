using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.UserService.Model;
using StackExchange.Redis;

namespace Shop.UserService.Caching;

public sealed class UserCacheOptions
{
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Cache-aside for user lookups. The entry <c>users:{id}</c> holds the user as the API shows it, and
/// is the contract with the orders service, which reads it. Only this service writes it.
/// </summary>
/// <remarks>
/// A lookup may read the database just before an update commits and write its old copy just after the
/// update invalidated the entry. To rule that out, every invalidation bumps <c>users:{id}:version</c>, and a
/// lookup stores its copy only if the version is still the one it saw before reading the database.
/// </remarks>
public sealed class UserCache(IConnectionMultiplexer redis, IOptions<UserCacheOptions> options, IOptions<JsonOptions> json)
{
    private readonly JsonSerializerOptions _serializerOptions = json.Value.SerializerOptions;
    private readonly TimeSpan _timeToLive = options.Value.TimeToLive;

    private IDatabase Database => redis.GetDatabase();

    public async Task<UserResponse?> GetAsync(int id)
    {
        var cached = await Database.StringGetAsync(EntryKey(id));
        return cached.HasValue ? JsonSerializer.Deserialize<UserResponse>(cached.ToString(), _serializerOptions) : null;
    }

    /// <summary>Reads the version to pass to <see cref="SetIfUnchangedAsync"/>; call it before reading the database.</summary>
    public async Task<RedisValue> GetVersionAsync(int id) => await Database.StringGetAsync(VersionKey(id));

    public async Task SetIfUnchangedAsync(UserResponse user, RedisValue version)
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(version.HasValue
            ? Condition.StringEqual(VersionKey(user.Id), version)
            : Condition.KeyNotExists(VersionKey(user.Id)));
        _ = transaction.StringSetAsync(EntryKey(user.Id), JsonSerializer.Serialize(user, _serializerOptions), _timeToLive);
        await transaction.ExecuteAsync();
    }

    public async Task InvalidateAsync(int id)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StringIncrementAsync(VersionKey(id));
        // The version only has to outlive lookups in flight; keeping it as long as an entry is ample.
        _ = transaction.KeyExpireAsync(VersionKey(id), _timeToLive);
        _ = transaction.KeyDeleteAsync(EntryKey(id));
        await transaction.ExecuteAsync();
    }

    private static RedisKey EntryKey(int id) => $"users:{id}";

    private static RedisKey VersionKey(int id) => $"users:{id}:version";
}
