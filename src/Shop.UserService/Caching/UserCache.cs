using System.Collections.Concurrent;
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
/// <para>
/// The cache is optional: when it is away or slow, lookups go to the database after <c>Cache:Timeout</c>.
/// An invalidation that cannot reach it is kept and sent again as soon as the connection is restored.
/// </para>
/// </remarks>
public sealed class UserCache
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<UserCache> _logger;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly TimeSpan _timeToLive;
    private readonly ConcurrentDictionary<int, byte> _pendingInvalidations = new();

    public UserCache(IConnectionMultiplexer redis, IOptions<UserCacheOptions> options, IOptions<JsonOptions> json, ILogger<UserCache> logger)
    {
        _redis = redis;
        _logger = logger;
        _serializerOptions = json.Value.SerializerOptions;
        _timeToLive = options.Value.TimeToLive;
        _redis.ConnectionRestored += (_, _) => _ = RetryPendingInvalidationsAsync();
    }

    private IDatabase Database => _redis.GetDatabase();

    public async Task<UserResponse?> GetAsync(int id)
    {
        var cached = await Database.StringGetAsync(EntryKey(id)).OrWhenCacheFailsAsync(RedisValue.Null, _logger);
        return cached.HasValue ? JsonSerializer.Deserialize<UserResponse>(cached.ToString(), _serializerOptions) : null;
    }

    /// <summary>
    /// Reads the version to pass to <see cref="SetIfUnchangedAsync"/>; call it before reading the database.
    /// Null when the cache cannot be reached, and then nothing is cached.
    /// </summary>
    public Task<RedisValue?> GetVersionAsync(int id) => ReadVersionAsync(id).OrWhenCacheFailsAsync(null, _logger);

    public async Task SetIfUnchangedAsync(UserResponse user, RedisValue? version)
    {
        if (version is not { } seen)
        {
            return;
        }

        var transaction = Database.CreateTransaction();
        transaction.AddCondition(seen.HasValue
            ? Condition.StringEqual(VersionKey(user.Id), seen)
            : Condition.KeyNotExists(VersionKey(user.Id)));
        _ = transaction.StringSetAsync(EntryKey(user.Id), JsonSerializer.Serialize(user, _serializerOptions), _timeToLive);
        await transaction.ExecuteAsync().OrWhenCacheFailsAsync(false, _logger);
    }

    public async Task InvalidateAsync(int id)
    {
        if (!await TryInvalidateAsync(id))
        {
            _pendingInvalidations[id] = 0;
        }
    }

    private async Task<bool> TryInvalidateAsync(int id)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StringIncrementAsync(VersionKey(id));
        // The version only has to outlive lookups in flight; keeping it as long as an entry is ample.
        _ = transaction.KeyExpireAsync(VersionKey(id), _timeToLive);
        _ = transaction.KeyDeleteAsync(EntryKey(id));
        return await transaction.ExecuteAsync().OrWhenCacheFailsAsync(false, _logger);
    }

    private async Task RetryPendingInvalidationsAsync()
    {
        foreach (var id in _pendingInvalidations.Keys)
        {
            if (await TryInvalidateAsync(id))
            {
                _pendingInvalidations.TryRemove(id, out _);
            }
        }
    }

    private async Task<RedisValue?> ReadVersionAsync(int id) => await Database.StringGetAsync(VersionKey(id));

    private static RedisKey EntryKey(int id) => $"users:{id}";

    private static RedisKey VersionKey(int id) => $"users:{id}:version";
}
