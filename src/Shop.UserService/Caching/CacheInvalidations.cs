using Shop.Data.Providers;

namespace Shop.UserService.Caching;

/// <summary>
/// The invalidations of <c>users:{id}</c> that the users database still owes the cache: each is written in the same
/// transaction as the change that needs it, sent once that change has committed, and removed when the cache took it.
/// One the cache missed stays in the database, and <see cref="UserCacheRepair"/> sends it again from whichever
/// replica runs it, so that none is lost with the process that missed it.
/// </summary>
public sealed class CacheInvalidations(UsersDbContext db, UserCache cache, TimeProvider clock, ILogger<CacheInvalidations> logger)
{
    private const int Batch = 100;

    /// <summary>Adds the invalidation of <paramref name="userId"/> to the context's pending changes; save them together.</summary>
    public CacheInvalidation Record(int userId)
    {
        var invalidation = new CacheInvalidation { UserId = userId, CreatedAt = clock.GetStoredNow().UtcDateTime };
        db.CacheInvalidations.Add(invalidation);
        return invalidation;
    }

    /// <summary>Sends a recorded invalidation, now committed; if the cache misses it, it stays for the repair.</summary>
    public async Task SendAsync(CacheInvalidation invalidation, CancellationToken cancellationToken)
    {
        if (!await cache.TryInvalidateAsync(invalidation.UserId))
        {
            return;
        }

        try
        {
            await db.CacheInvalidations.Where(i => i.Id == invalidation.Id).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.IsOutage(exception))
        {
            // The change is committed and the cache has the invalidation; the repair removes the record, sending it once more.
            logger.LogWarning("The sent invalidation of user {UserId} stays recorded: {Reason}", invalidation.UserId, exception.GetBaseException().Message);
        }
    }

    /// <summary>Sends the oldest invalidations still owed, each user's once; stops at the first the cache misses.</summary>
    public async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        var pending = await db.CacheInvalidations.AsNoTracking().OrderBy(i => i.Id).Take(Batch).ToListAsync(cancellationToken);
        foreach (var user in pending.GroupBy(i => i.UserId))
        {
            if (!await cache.TryInvalidateAsync(user.Key))
            {
                return;
            }

            var last = user.Max(i => i.Id);
            await db.CacheInvalidations.Where(i => i.UserId == user.Key && i.Id <= last).ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Sent the cache the missed invalidation of user {UserId}", user.Key);
        }
    }
}
