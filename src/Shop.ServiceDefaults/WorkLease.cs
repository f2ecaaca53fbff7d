using Medallion.Threading.Postgres;

namespace Shop.ServiceDefaults;

/// <summary>
/// The right to run one pass of a background job, held by one process at a time across every replica of the service.
/// </summary>
public abstract class WorkLease
{
    /// <summary>The lease on <paramref name="job"/> for one pass, to dispose when the pass ends; null while another replica holds it.</summary>
    public abstract Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken);

    /// <summary>The lease on <paramref name="job"/>, once the replica that holds it lets it go.</summary>
    public abstract Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken);
}

/// <summary>
/// On PostgreSQL: a session advisory lock in the service's database, named after the job, held on a connection of its
/// own for the pass. A replica that dies mid-pass loses its connection, and with it the lock.
/// </summary>
internal sealed class PostgresWorkLease(string connectionString) : WorkLease
{
    public override async Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockOf(job).TryAcquireAsync(TimeSpan.Zero, cancellationToken);

    public override async Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockOf(job).AcquireAsync(cancellationToken: cancellationToken);

    private PostgresDistributedLock LockOf(string job) => new(new PostgresAdvisoryLockKey(job, allowHashing: true), connectionString);
}

/// <summary>
/// On SQLite the database is a file of one process, which runs each job's passes one after another: the lease is always
/// its own. (The AppHost refuses replicas on SQLite.)
/// </summary>
internal sealed class ProcessWorkLease : WorkLease
{
    private static readonly IAsyncDisposable Held = new Lease();

    public override Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(Held);

    public override Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken) => Task.FromResult(Held);

    private sealed class Lease : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
