using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Shop.Caching.Redis;
using StackExchange.Redis;
using Order = Shop.OrderService.Model.Order;

namespace Shop.OrderService.Caching;

/// <summary>
/// Orders this replica has read, kept in its memory for <c>Ordering:OrderCacheTimeToLive</c>, so that reading one
/// again asks the database nothing. Only Cancelled orders, which never change again, and Confirmed ones, whose one way
/// on is a cancel, are kept. Before a cancel moves an order on, it marks the order changed in the shared cache
/// (<c>orders:{id}:changed</c>), and a kept Confirmed order is shown only while the shared cache answers that it is
/// unmarked. That check travels with the read of the order's user from the cache, in one round trip.
/// </summary>
/// <remarks>
/// <para>
/// So a cancel answered by any replica is seen by the next read on every replica:
/// <list type="bullet">
/// <item>While the shared cache is away or slow, a replica shows no kept order: it reads the database, since it
/// cannot tell whether another replica changed one.</item>
/// <item>A mark the cache did not take is sent again every second (<see cref="OrderCacheRepair"/>) until it does.</item>
/// <item>A replica whose connection to the cache fails or comes back drops every order it keeps: a restarted cache has
/// lost its marks, and one that was away may have missed some.</item>
/// <item>In this replica, a copy read before a change here is never kept after it.</item>
/// </list>
/// What is left: a replica that cancels while it cannot reach the cache, and stops before the cache takes the mark,
/// leaves the others showing the order as Confirmed until their copy is <c>Ordering:OrderCacheTimeToLive</c> old.
/// </para>
/// <para>
/// Not <c>HybridCache</c>: its removal reaches only the memory of the replica that removes, so another replica would
/// show a cancelled order as Confirmed until its copy expired.
/// </para>
/// </remarks>
public sealed class OrderCache : IDisposable
{
    /// <summary>About 10 MB of orders of a few lines each at most; beyond that, orders are read from the database.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _orders = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly ConcurrentDictionary<int, DateTimeOffset> _unsentMarks = new();
    private readonly OptionalCache _cache;
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _clock;
    private readonly OrderMetrics _metrics;
    private readonly ILogger<OrderCache> _logger;
    private readonly TimeSpan _timeToLive;
    // A mark outlives every copy kept before it was set, with room for a read that was slow to keep its copy.
    private readonly TimeSpan _markLifetime;
    private long _changes;

    public OrderCache(
        OptionalCache cache, IConnectionMultiplexer redis, IOptions<OrderingOptions> options, OrderMetrics metrics, TimeProvider clock, ILogger<OrderCache> logger)
    {
        _cache = cache;
        _redis = redis;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        _timeToLive = options.Value.OrderCacheTimeToLive;
        _markLifetime = _timeToLive + TimeSpan.FromMinutes(1);
        _redis.ConnectionFailed += DropAll;
        _redis.ConnectionRestored += DropAll;
    }

    /// <summary>Counts the changes made here; take it before reading an order from the database, for <see cref="Keep"/>.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>
    /// The kept order <paramref name="id"/> with its user's cache entry (<see cref="RedisValue.Null"/> when the user is
    /// not cached), if it is kept and may be shown; null when the order must be read from the database.
    /// </summary>
    public async Task<(Order Order, RedisValue UserEntry)?> TryGetAsync(int id)
    {
        var kept = await TryGetKeptAsync(id);
        _metrics.OrderCacheLookup(hit: kept is not null);
        return kept;
    }

    private async Task<(Order Order, RedisValue UserEntry)?> TryGetKeptAsync(int id)
    {
        if (!_orders.TryGetValue(id, out Order? order) || order is null)
        {
            return null;
        }

        RedisKey[] keys = order.Status == OrderStatus.Confirmed
            ? [UserCacheEntry.Key(order.UserId), ChangedKey(id)]
            : [UserCacheEntry.Key(order.UserId)];
        var values = await _cache.TryAsync<RedisValue[]?>(async database => await database.StringGetAsync(keys), null);
        if (values is null || (values.Length > 1 && !values[1].IsNull))
        {
            _orders.Remove(id);
            return null;
        }

        return (order, values[0]);
    }

    /// <summary>
    /// Keeps an order just read from the database, if it may be kept and nothing here changed an order since
    /// <paramref name="changesBefore"/> (<see cref="Changes"/> taken before the read).
    /// </summary>
    public void Keep(Order order, long changesBefore)
    {
        if (_timeToLive <= TimeSpan.Zero || order.Status is not (OrderStatus.Confirmed or OrderStatus.Cancelled))
        {
            return;
        }

        _orders.Set(order.Id, order, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _timeToLive });
        // A change here after the read may have dropped the copies before this one was set: then this one goes too.
        if (Changes != changesBefore)
        {
            _orders.Remove(order.Id);
        }
    }

    /// <summary>Marks the order changed for every replica; call it before the change that takes it out of Confirmed.</summary>
    public async Task MarkChangingAsync(int id)
    {
        // Marked whatever this replica's own setting: the others may keep orders.
        if (!await TryMarkAsync(id))
        {
            _unsentMarks[id] = _clock.GetUtcNow();
            _logger.LogWarning("The cache did not take the change of order {OrderId}; it is sent again every second until it does", id);
        }
    }

    /// <summary>Drops this replica's copy of an order; call it once the change has been made.</summary>
    public void Forget(int id)
    {
        Interlocked.Increment(ref _changes);
        _orders.Remove(id);
    }

    /// <summary>Sends the marks the cache did not take; one older than every copy kept before it is no longer needed.</summary>
    public async Task SendUnsentMarksAsync()
    {
        foreach (var (id, since) in _unsentMarks)
        {
            if (_clock.GetUtcNow() - since > _markLifetime)
            {
                _unsentMarks.TryRemove(id, out _);
            }
            else if (await TryMarkAsync(id))
            {
                _unsentMarks.TryRemove(id, out _);
                _logger.LogInformation("The cache took the change of order {OrderId}", id);
            }
            else
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _redis.ConnectionFailed -= DropAll;
        _redis.ConnectionRestored -= DropAll;
        _orders.Dispose();
    }

    private Task<bool> TryMarkAsync(int id) =>
        _cache.TryAsync(database => database.StringSetAsync(ChangedKey(id), 1, _markLifetime), false);

    private void DropAll(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Increment(ref _changes);
        _orders.Clear();
    }

    private static RedisKey ChangedKey(int id) => $"{ShopServices.Orders}:{id}:changed";
}
