namespace Shop.Data.Work;

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
