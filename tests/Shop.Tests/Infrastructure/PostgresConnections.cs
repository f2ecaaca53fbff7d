using Npgsql;

namespace Shop.Tests.Infrastructure;

public static class PostgresConnections
{
    /// <summary>
    /// An open connection with <paramref name="connectionString"/>, outside any pool, so that a refusal is met at once
    /// rather than served from a connection opened before; disposed when it cannot be opened.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenUnpooledAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
