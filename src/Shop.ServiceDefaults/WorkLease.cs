using System.Security.Cryptography;
using System.Text;
using Npgsql;

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
/// On PostgreSQL: a session advisory lock in the service's database, keyed by the job's name, held on a connection of
/// its own (outside the pool) for the pass. A replica that dies mid-pass loses its connection, and with it the lock.
/// </summary>
internal sealed class PostgresWorkLease(string connectionString) : WorkLease
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    public override async Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockAsync(job, wait: false, cancellationToken);

    public override async Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockAsync(job, wait: true, cancellationToken) ?? throw new InvalidOperationException($"The lease on {job} was not granted.");

    private async Task<Lease?> LockAsync(string job, bool wait, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(job))));
            if (wait)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                return new Lease(connection);
            }

            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Lease(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Ends the session, which releases its lock.</summary>
    private sealed class Lease(NpgsqlConnection connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
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
