using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.Caching.Redis;
using StackExchange.Redis;

namespace Shop.UserService.Caching;

public sealed class UserCacheOptions
{
    public const string Section = "UserCache";

    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
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
/// <para>
/// The cache is optional (<see cref="OptionalCache"/>): when it is away or slow, lookups go to the database.
/// An invalidation that cannot reach it stays recorded in the database (<see cref="CacheInvalidations"/>) and is
/// sent again until the cache takes it, so that no reader keeps a copy older than an answered update.
/// </para>
/// </remarks>
public sealed class UserCache
{
    private readonly OptionalCache _cache;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly TimeSpan _timeToLive;

    public UserCache(OptionalCache cache, IOptions<UserCacheOptions> options, IOptions<JsonOptions> json)
    {
        _cache = cache;
        _serializerOptions = json.Value.SerializerOptions;
        _timeToLive = options.Value.TimeToLive;
    }

    public async Task<UserResponse?> GetAsync(int id)
    {
        var cached = await _cache.TryAsync(database => database.StringGetAsync(EntryKey(id)), RedisValue.Null);
        return cached.HasValue ? JsonSerializer.Deserialize<UserResponse>(((ReadOnlyMemory<byte>)cached).Span, _serializerOptions) : null;
    }

    /// <summary>
    /// Reads the version to pass to <see cref="SetIfUnchangedAsync"/>; call it before reading the database.
    /// Null when the cache cannot be reached, and then nothing is cached.
    /// </summary>
    public Task<RedisValue?> GetVersionAsync(int id) =>
        _cache.TryAsync<RedisValue?>(async database => await database.StringGetAsync(VersionKey(id)), null);

    public async Task SetIfUnchangedAsync(UserResponse user, RedisValue? version)
    {
        if (version is not { } seen)
        {
            return;
        }

        var entry = JsonSerializer.Serialize(user, _serializerOptions);
        await _cache.TryAsync(database =>
        {
            var transaction = database.CreateTransaction();
            transaction.AddCondition(seen.HasValue
                ? Condition.StringEqual(VersionKey(user.Id), seen)
                : Condition.KeyNotExists(VersionKey(user.Id)));
            _ = transaction.StringSetAsync(EntryKey(user.Id), entry, _timeToLive);
            return transaction.ExecuteAsync();
        }, false);
    }

    /// <summary>Removes the entry and bumps its version; false when the cache did not take it.</summary>
    public Task<bool> TryInvalidateAsync(int id) => _cache.TryAsync(database =>
    {
        var transaction = database.CreateTransaction();
        _ = transaction.StringIncrementAsync(VersionKey(id));
        // The version only has to outlive lookups in flight; keeping it as long as an entry is ample.
        _ = transaction.KeyExpireAsync(VersionKey(id), _timeToLive);
        _ = transaction.KeyDeleteAsync(EntryKey(id));
        return transaction.ExecuteAsync();
    }, false);

    private static RedisKey EntryKey(int id) => UserCacheEntry.Key(id);

    private static RedisKey VersionKey(int id) => UserCacheEntry.VersionKey(id);
}
