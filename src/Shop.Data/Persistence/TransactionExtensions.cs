using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Shop.Data.Persistence;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, which it commits or rolls back itself. Where the provider retries
    /// transient failures, a failed attempt is rolled back and the whole of <paramref name="work"/> runs again, on a
    /// context cleared of what the failed attempt tracked.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(
        this DbContext db, Func<IDbContextTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async attempt =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(attempt);
            return await work(transaction, attempt);
        }, cancellationToken);
}
