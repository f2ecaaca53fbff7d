using Microsoft.EntityFrameworkCore;

namespace Shop.Data.Persistence;

public static class SeedExtensions
{
    /// <summary>Adds <paramref name="entities"/> and saves them if <paramref name="set"/> is empty; a set with any row is left as it is.</summary>
    public static async Task AddIfEmptyAsync<TEntity>(
        this DbContext db, DbSet<TEntity> set, IEnumerable<TEntity> entities, CancellationToken cancellationToken) where TEntity : class
    {
        if (await set.AnyAsync(cancellationToken))
        {
            return;
        }

        set.AddRange(entities);
        await db.SaveChangesAsync(cancellationToken);
    }
}
