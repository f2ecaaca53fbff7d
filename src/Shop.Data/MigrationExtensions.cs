using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.Contracts;
using Shop.Data.Providers;
using Shop.Data.Work;

namespace Microsoft.Extensions.Hosting;

public static class MigrationExtensions
{
    private static readonly TimeSpan LongestMigrationWait = TimeSpan.FromSeconds(10);

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
            if (!OperatingSystem.IsWindows())
            {
                // The owner's alone; SQLite makes a -wal or -shm file again with the database file's mode.
                foreach (var file in new[] { location, location + "-wal", location + "-shm" }.Where(File.Exists))
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
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
}
