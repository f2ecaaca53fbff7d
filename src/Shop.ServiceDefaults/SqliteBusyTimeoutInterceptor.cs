using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Shop.ServiceDefaults;

/// <summary>
/// Lets SQLite wait for a write lock held by another connection, up to the connection's timeout. Without a
/// busy timeout SQLite answers SQLITE_BUSY at once, and Microsoft.Data.Sqlite retries after putting the thread
/// to sleep, so that under concurrent writes requests queue behind those sleeps.
/// </summary>
/// <remarks>The timeout belongs to the native connection, which the pool keeps: setting it costs a native call, no SQL.</remarks>
internal sealed class SqliteBusyTimeoutInterceptor : DbConnectionInterceptor
{
    public static SqliteBusyTimeoutInterceptor Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => SetBusyTimeout(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SetBusyTimeout(connection);
        return Task.CompletedTask;
    }

    private static void SetBusyTimeout(DbConnection connection)
    {
        var sqlite = (SqliteConnection)connection;
        raw.sqlite3_busy_timeout(sqlite.Handle, sqlite.DefaultTimeout * 1000);
    }
}
