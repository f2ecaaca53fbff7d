using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Shop.Data.Work;

/// <summary>
/// On PostgreSQL: a transaction-level advisory lock in the service's database, keyed by the job's name, held by a
/// transaction left open for the pass on a connection from a small pool of the leases' own. Ending the transaction
/// releases the lock and keeps the connection for the next pass, so a job that runs every second opens no new session
/// each time; a replica that dies mid-pass loses its connection, and with it the lock.
/// </summary>
internal sealed class PostgresWorkLease(string connectionString) : WorkLease, IAsyncDisposable
{
    // A pool apart from the requests' (its own application name), so that passes never wait behind requests for a
    // connection, nor requests behind passes.
    private readonly NpgsqlDataSource _connections = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = true,
        MinPoolSize = 0,
        MaxPoolSize = 8,
        ApplicationName = "Shop leases"
    });

    public override async Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockAsync(job, wait: false, cancellationToken);

    public override async Task<IAsyncDisposable> AcquireAsync(string job, CancellationToken cancellationToken) =>
        await LockAsync(job, wait: true, cancellationToken) ?? throw new InvalidOperationException($"The lease on {job} was not granted.");

    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    private async Task<Lease?> LockAsync(string job, bool wait, CancellationToken cancellationToken)
    {
        var connection = await _connections.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                wait ? "SELECT pg_advisory_xact_lock(@key)" : "SELECT pg_try_advisory_xact_lock(@key)", connection, transaction);
            command.Parameters.AddWithValue("key", BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(job))));
            if (wait)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                return new Lease(connection, transaction);
            }

            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Lease(connection, transaction);
            }
        }
        catch
        {
            await EndAsync(connection, transaction);
            throw;
        }

        await EndAsync(connection, transaction);
        return null;
    }

    // Disposing the transaction rolls it back, which releases its lock; disposing the connection returns it to the pool.
    private static async ValueTask EndAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    /// <summary>Ends the pass's transaction, which releases its lock.</summary>
    private sealed class Lease(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => EndAsync(connection, transaction);
    }
}
