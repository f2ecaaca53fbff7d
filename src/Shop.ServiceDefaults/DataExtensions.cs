using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.Contracts;
using Shop.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class DataExtensions
{
    // A request that meets a database outage is answered 503 within seconds, not after EF's default minute of retries.
    private const int PostgresRetries = 3;
    private static readonly TimeSpan PostgresRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestMigrationWait = TimeSpan.FromSeconds(10);

    // Npgsql's defaults, where they do not suit a service; a connection string that names its own value keeps it.
    // - The pool: Npgsql's 100 connections a process would let three services, or a few replicas, exhaust the server's
    //   connections under load.
    // - Automatic preparation: without it the server parses and plans every statement anew, although a service sends
    //   the same few dozen over and over. A statement sent five times on a connection is prepared there and reused.
    private static readonly (string[] Keywords, int Value)[] PostgresDefaults =
    [
        (["Maximum Pool Size", "Max Pool Size", "MaxPoolSize"], 40),
        (["Max Auto Prepare", "MaxAutoPrepare"], 64)
    ];

    /// <summary>
    /// Registers the service's database under the connection string <paramref name="connectionName"/>, on the provider
    /// that <c>Data:Provider</c> names: <typeparamref name="TContext"/> on SQLite (the default), or
    /// <typeparamref name="TPostgresContext"/>, which has the PostgreSQL migrations, through Aspire's Npgsql integration.
    /// Either way the service asks for <typeparamref name="TContext"/>. This is the one place where the provider is chosen.
    /// </summary>
    /// <remarks>
    /// Contexts are pooled, so that a request does not build the context's options and internal services anew.
    /// On PostgreSQL a command that meets a transient failure is tried again a few times, within seconds; work in an
    /// explicit transaction must run through <see cref="InTransactionAsync{T}"/>, which retries it whole.
    /// </remarks>
    public static IHostApplicationBuilder AddServiceDatabase<TContext, TPostgresContext>(
        this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        var database = new ServiceDatabase(connectionName, ProviderOf(builder.Configuration));
        builder.Services.AddSingleton(database);
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"The connection string '{connectionName}' is missing.");

        if (database.Provider == DataProviders.Postgres)
        {
            builder.AddNpgsqlDbContext<TPostgresContext>(connectionName,
                settings =>
                {
                    settings.DisableRetry = true;
                    settings.ConnectionString = WithPostgresDefaults(settings.ConnectionString);
                },
                options => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(PostgresRetries, PostgresRetryDelay, errorCodesToAdd: null)));
            builder.Services.AddScoped<TContext>(services => services.GetRequiredService<TPostgresContext>());
            builder.Services.AddSingleton<WorkLease>(new PostgresWorkLease(WithPostgresDefaults(connectionString)!));
            return builder;
        }

        builder.Services.AddDbContextPool<TContext>(options =>
            options.UseSqlite(connectionString).AddInterceptors(SqliteWriteGate.Instance));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(connectionName);
        builder.Services.AddSingleton<WorkLease, ProcessWorkLease>();
        return builder;
    }

    private static string? WithPostgresDefaults(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }

        var connection = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var (keywords, value) in PostgresDefaults.Where(setting => !setting.Keywords.Any(connection.ContainsKey)))
        {
            connection.Add(keywords[0], value);
        }

        return connection.ConnectionString;
    }

    /// <summary>
    /// Applies pending migrations, then adds, in Development, sample data (<paramref name="developmentSeed"/>) and, in
    /// every environment, what the service needs (<paramref name="seed"/>); one replica at a time, so each is added
    /// once. While the database cannot be reached the service waits for it, saying so, rather than starting without it
    /// or giving up.
    /// </summary>
    public static async Task MigrateDbContextAsync<TContext>(this WebApplication app,
        Func<TContext, IServiceProvider, CancellationToken, Task>? developmentSeed = null,
        Func<TContext, IServiceProvider, CancellationToken, Task>? seed = null)
        where TContext : DbContext
    {
        var database = app.Services.GetRequiredService<ServiceDatabase>();
        var logger = app.Services.GetRequiredService<ILogger<TContext>>();
        var stopping = app.Lifetime.ApplicationStopping;
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestMigrationWait.Ticks)))
        {
            try
            {
                await MigrateAsync(app, database, developmentSeed, seed, logger, stopping);
                return;
            }
            catch (Exception exception) when (DatabaseOutage.IsOutage(exception) && !stopping.IsCancellationRequested)
            {
                logger.LogWarning("The database {Database} cannot be reached ({Reason}); trying again in {Wait}",
                    database.Name, exception.GetBaseException().Message, wait);
                await Task.Delay(wait, stopping);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword
                or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InsufficientPrivilege)
            {
                // A wrong user, password or grant does not pass by itself: stop, saying what to fix.
                logger.LogCritical("The database {Database} refuses this service: {Reason} ({SqlState}). Check the user and password of its connection string, and what that user may do.",
                    database.Name, exception.MessageText, exception.SqlState);
                throw;
            }
        }
    }

    private static async Task MigrateAsync<TContext>(
        WebApplication app, ServiceDatabase database, Func<TContext, IServiceProvider, CancellationToken, Task>? developmentSeed,
        Func<TContext, IServiceProvider, CancellationToken, Task>? seed, ILogger logger, CancellationToken stopping)
        where TContext : DbContext
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (database.Provider == DataProviders.Postgres)
        {
            // The lease below is held in the service's own database, so that must exist first.
            await CreatePostgresDatabaseIfMissingAsync(db, stopping);
        }

        // Replicas start together: one migrates (and seeds) while the others wait, then find nothing left to do.
        await using var lease = await app.Services.GetRequiredService<WorkLease>().AcquireAsync("migrations", stopping);
        var connectionString = db.Database.GetConnectionString();
        string location;
        if (database.Provider == DataProviders.Postgres)
        {
            var connection = new NpgsqlConnectionStringBuilder(connectionString);
            location = $"{connection.Host}:{connection.Port}/{connection.Database}";
            await db.Database.MigrateAsync(stopping);
        }
        else
        {
            location = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(location)!);
            await db.Database.MigrateAsync(stopping);
            // WAL lets readers proceed while one writer commits; it is a property of the file, so set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", stopping);
        }

        if (developmentSeed is not null && app.Environment.IsDevelopment())
        {
            await developmentSeed(db, scope.ServiceProvider, stopping);
        }

        if (seed is not null)
        {
            await seed(db, scope.ServiceProvider, stopping);
        }

        logger.LogInformation("Database {Database} ({Provider}, {Location}) is migrated", database.Name, database.Provider, location);
    }

    /// <summary>
    /// Creates the service's database on a server that has none by its name, as a managed server given to a deployment
    /// may not; replicas starting together race to create it, and the ones that lose find it made.
    /// </summary>
    private static async Task CreatePostgresDatabaseIfMissingAsync(DbContext db, CancellationToken cancellationToken)
    {
        var creator = db.Database.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica made it first.
        }
    }

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

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, which it commits or rolls back itself. Where the provider retries
    /// transient failures, a failed attempt is rolled back and the whole of <paramref name="work"/> runs again, on a
    /// context cleared of what the failed attempt tracked.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(
        this DbContext db, Func<IDbContextTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async attempt =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(attempt);
            return await work(transaction, attempt);
        }, cancellationToken);

    private static string ProviderOf(IConfiguration configuration) => configuration[DataProviders.Setting]?.Trim().ToLowerInvariant() switch
    {
        null or "" or DataProviders.Sqlite => DataProviders.Sqlite,
        DataProviders.Postgres => DataProviders.Postgres,
        var other => throw new InvalidOperationException(
            $"{DataProviders.Setting} is '{other}'; use {DataProviders.Sqlite} or {DataProviders.Postgres}.")
    };
}
