using System.Data.Common;

namespace Shop.Data.Providers;

/// <summary>
/// Npgsql's defaults, where they do not suit a service; a connection string that names its own value keeps it.
/// </summary>
/// <remarks>
/// - The pool: Npgsql's 100 connections a process would let three services, or a few replicas, exhaust the server's
///   connections under load.
/// - Automatic preparation: without it the server parses and plans every statement anew, although a service sends
///   the same few dozen over and over. A statement sent five times on a connection is prepared there and reused.
/// </remarks>
internal static class PostgresConnectionDefaults
{
    private static readonly (string[] Keywords, int Value)[] Defaults =
    [
        (["Maximum Pool Size", "Max Pool Size", "MaxPoolSize"], 40),
        (["Max Auto Prepare", "MaxAutoPrepare"], 64)
    ];

    /// <summary>The connection string with each default it does not name added.</summary>
    public static string? Apply(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }

        var connection = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var (keywords, value) in Defaults.Where(setting => !setting.Keywords.Any(connection.ContainsKey)))
        {
            connection.Add(keywords[0], value);
        }

        return connection.ConnectionString;
    }
}
