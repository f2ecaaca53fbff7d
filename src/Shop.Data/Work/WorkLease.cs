namespace Shop.Data.Work;

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
