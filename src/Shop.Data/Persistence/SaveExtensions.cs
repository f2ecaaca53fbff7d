using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Shop.Data.Persistence;

public static class SaveExtensions
{
    /// <summary>Saves, or answers false when a unique key refuses the change, e.g. a duplicate email.</summary>
    /// <remarks>On PostgreSQL the refusal also ends the transaction the save ran in, if any: roll it back.</remarks>
    public static async Task<bool> TrySaveChangesAsync(this DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.InnerException
            is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 }
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }
}
