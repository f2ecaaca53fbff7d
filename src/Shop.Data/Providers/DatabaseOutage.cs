using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Shop.Data.Providers;

/// <summary>Tells a database that is away or overwhelmed, which a caller may wait out, from a fault in the request or the code.</summary>
public static class DatabaseOutage
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN.
    private static readonly int[] SqliteOutageCodes = [5, 6, 10, 13, 14];

    public static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // EF gave up after retrying failures it deems transient.
                case RetryLimitExceededException:
                // A server that refuses, drops or never answers the connection, a full pool, or a server shutting down.
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException and not PostgresException when current.InnerException is SocketException or IOException or TimeoutException:
                case SqliteException sqlite when SqliteOutageCodes.Contains(sqlite.SqliteErrorCode):
                    return true;
            }
        }

        return false;
    }
}
