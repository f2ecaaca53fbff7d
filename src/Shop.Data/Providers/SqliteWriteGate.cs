using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Shop.Data.Providers;

/// <summary>
/// Lets this process's writes into a SQLite database take turns, first come first served, before they reach SQLite:
/// a transaction holds the turn from its start to its end, and a write outside a transaction for its one statement.
/// </summary>
/// <remarks>
/// <para>
/// SQLite lets one connection write at a time. A writer that finds the database locked sleeps in SQLite's busy handler
/// for 1, 2, 5, then up to 100 ms before it tries again, however soon the lock is free; under concurrent orders, writes
/// that take well under a millisecond each waited several, and the CPU idled meanwhile. Waiting here instead costs no
/// thread and ends the moment the writer before is done.
/// </para>
/// <para>
/// Reads do not take turns (the database is in WAL mode). Another process writing the same file, or a write that
/// waited longer than the connection's timeout for its turn, meets SQLite's busy timeout, which every connection is
/// given when it opens: SQLite then waits for the lock itself, up to the connection's timeout, rather than answering
/// SQLITE_BUSY at once for Microsoft.Data.Sqlite to retry after putting the thread to sleep. The timeout belongs to
/// the native connection, which the pool keeps: setting it costs a native call, no SQL.
/// </para>
/// <para>
/// A flow must not write the same file through a second context while a transaction of its own is open: the second
/// write would wait for the turn its own transaction holds (until the connection's timeout).
/// </para>
/// </remarks>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    public static SqliteWriteGate Instance { get; } = new();

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DbConnection, Turn> _holders = new();

    /// <summary>Takes the turn and starts the transaction here, so that a start that fails gives the turn back.</summary>
    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Take(connection, byStatement: false);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            Give(connection);
            throw;
        }
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        await TakeAsync(connection, byStatement: false, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            Give(connection);
            throw;
        }
    }

    // A transaction whose commit or savepoint failed is still open and holds SQLite's lock: its turn ends with its
    // rollback, or with its connection when it is disposed.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => GiveTransaction(eventData);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveTransaction(eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => GiveTransaction(eventData);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveTransaction(eventData);
        return Task.CompletedTask;
    }

    /// <summary>SaveChanges writes one statement without a transaction through a reader, which holds the lock until it is disposed.</summary>
    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsLoneSave(command, eventData))
        {
            Take(command.Connection!, byStatement: true);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsLoneSave(command, eventData))
        {
            await TakeAsync(command.Connection!, byStatement: true, cancellationToken);
        }

        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        GiveStatement(command.Connection!);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Take(command.Connection!, byStatement: true);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await TakeAsync(command.Connection!, byStatement: true, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        GiveStatement(command.Connection!);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        GiveStatement(command.Connection!);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => GiveStatement(command.Connection!);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveStatement(command.Connection!);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => GiveStatement(command.Connection!);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveStatement(command.Connection!);
        return Task.CompletedTask;
    }

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => SetBusyTimeout(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SetBusyTimeout(connection);
        return Task.CompletedTask;
    }

    /// <summary>A transaction that ends without a commit or rollback (it is disposed) ends with its connection.</summary>
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Give(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Give(connection);
        return Task.CompletedTask;
    }

    private void Take(DbConnection connection, bool byStatement)
    {
        if (!_holders.ContainsKey(connection) && TurnsOf(connection) is var (turns, timeout) && turns.Wait(timeout))
        {
            _holders[connection] = new Turn(turns, byStatement);
        }
    }

    private async ValueTask TakeAsync(DbConnection connection, bool byStatement, CancellationToken cancellationToken)
    {
        if (!_holders.ContainsKey(connection) && TurnsOf(connection) is var (turns, timeout) && await turns.WaitAsync(timeout, cancellationToken))
        {
            _holders[connection] = new Turn(turns, byStatement);
        }
    }

    /// <summary>Ends a transaction's turn; one that ends otherwise (it is disposed) ends its turn with its connection.</summary>
    private void GiveTransaction(TransactionEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            Give(context.Database.GetDbConnection());
        }
    }

    private static bool IsLoneSave(DbCommand command, CommandEventData eventData) =>
        eventData.CommandSource == CommandSource.SaveChanges && command.Transaction is null;

    /// <summary>Ends the turn of a statement outside a transaction; a transaction's statements leave its turn alone.</summary>
    private void GiveStatement(DbConnection connection)
    {
        if (_holders.TryGetValue(connection, out var turn) && turn.ByStatement)
        {
            Give(connection);
        }
    }

    private void Give(DbConnection connection)
    {
        if (_holders.TryRemove(connection, out var turn))
        {
            turn.Turns.Release();
        }
    }

    private static void SetBusyTimeout(DbConnection connection)
    {
        var sqlite = (SqliteConnection)connection;
        raw.sqlite3_busy_timeout(sqlite.Handle, sqlite.DefaultTimeout * 1000);
    }

    private (SemaphoreSlim Turns, TimeSpan Timeout) TurnsOf(DbConnection connection)
    {
        var sqlite = (SqliteConnection)connection;
        return (_turns.GetOrAdd(sqlite.DataSource, _ => new SemaphoreSlim(1, 1)), TimeSpan.FromSeconds(sqlite.DefaultTimeout));
    }

    private sealed record Turn(SemaphoreSlim Turns, bool ByStatement);
}
