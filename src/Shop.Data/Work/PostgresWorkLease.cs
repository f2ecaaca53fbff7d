using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Shop.Data.Work;

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
