using Npgsql;

namespace Shop.AppHost.Postgres;

/// <summary>A database and the password of the role that owns it.</summary>
internal sealed record DatabaseRole(string Database, string Password);

/// <summary>
/// Each service's database has a role of its own, named after it: the role owns the database and everything in it,
/// and no other role but a superuser may connect to it. So a service's credentials reach its own data and no one
/// else's (a foothold in one service cannot read the users database's signing keys).
/// </summary>
internal static class PostgresRoles
{
    /// <summary>The name of the secret parameter that holds the password of <paramref name="database"/>'s role.</summary>
    public static string PasswordParameterName(string database) => $"{database}-password";

    /// <summary>
    /// Makes (or brings up to date) each role and its database with the superuser's <paramref name="connectionString"/>;
    /// idempotent, and it takes over a database that an earlier version made and filled as the superuser.
    /// </summary>
    public static async Task EnsureAsync(string connectionString, IEnumerable<DatabaseRole> roles, CancellationToken cancellationToken)
    {
        foreach (var (database, password) in roles)
        {
            await using (var server = await OpenAsync(connectionString, "postgres", cancellationToken))
            {
                var role = Identifier(database);
                await ExecuteAsync(server, $"""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(database)}) THEN CREATE ROLE {role}; END IF;
                    END $$
                    """, cancellationToken);
                await ExecuteAsync(server, $"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD {Literal(password)}", cancellationToken);
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server);
                exists.Parameters.AddWithValue("name", database);
                await ExecuteAsync(server, await exists.ExecuteScalarAsync(cancellationToken) is null
                    ? $"CREATE DATABASE {role} OWNER {role}"
                    : $"ALTER DATABASE {role} OWNER TO {role}", cancellationToken);
                // Every role may connect to every database unless told otherwise.
                await ExecuteAsync(server, $"REVOKE ALL ON DATABASE {role} FROM PUBLIC", cancellationToken);
                await ExecuteAsync(server, $"GRANT CONNECT, TEMPORARY ON DATABASE {role} TO {role}", cancellationToken);
            }

            await using var own = await OpenAsync(connectionString, database, cancellationToken);
            await ExecuteAsync(own, TakeOverObjects(database), cancellationToken);
        }
    }

    /// <summary>
    /// Gives the role what is already in its database: the tables (with their indexes and identity sequences), other
    /// sequences and schemas that an earlier version made as the superuser. The public schema of PostgreSQL 15 and
    /// later belongs to pg_database_owner, that is to the role once it owns the database; an older one is handed over.
    /// </summary>
    private static string TakeOverObjects(string database) => $$"""
        DO $$
        DECLARE
          role_name text := {{Literal(database)}};
          role_id regrole := role_name::regrole;
          item record;
        BEGIN
          FOR item IN
            SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v') AND c.relowner <> role_id
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
          LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO %I', item.name, role_name);
          END LOOP;
          FOR item IN
            SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND c.relowner <> role_id
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
              AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
          LOOP
            EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', item.name, role_name);
          END LOOP;
          FOR item IN
            SELECT nspname FROM pg_namespace
            WHERE nspowner NOT IN (role_id, 'pg_database_owner'::regrole)
              AND nspname <> 'information_schema' AND nspname NOT LIKE 'pg\_%'
          LOOP
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', item.nspname, role_name);
          END LOOP;
        END $$
        """;

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // A statement that fails is written to the server's log with its text, which may hold a role's password.
        await ExecuteAsync(connection, "SET log_min_error_statement = panic", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Identifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    // Standard-conforming strings (the default since PostgreSQL 9.1): a quote is the only character to double.
    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
