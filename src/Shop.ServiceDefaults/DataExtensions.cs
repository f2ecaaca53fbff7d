using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class DataExtensions
{
    /// <summary>Registers a pooled DbContext on the SQLite database named by the connection string <paramref name="connectionName"/>, with a health check.</summary>
    /// <remarks>Pooled, so that a request does not build the context's options and internal services anew; <paramref name="configure"/> runs once.</remarks>
    public static IHostApplicationBuilder AddSqliteDbContext<TContext>(
        this IHostApplicationBuilder builder, string connectionName, Action<DbContextOptionsBuilder>? configure = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"The connection string '{connectionName}' is missing.");

        builder.Services.AddDbContextPool<TContext>(options =>
        {
            options.UseSqlite(connectionString).AddInterceptors(SqliteBusyTimeoutInterceptor.Instance);
            configure?.Invoke(options);
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(connectionName);
        return builder;
    }

    /// <summary>Applies pending migrations, switches the database to write-ahead logging and, in Development, seeds it once.</summary>
    public static async Task MigrateDbContextAsync<TContext>(this WebApplication app, Func<TContext, IServiceProvider, CancellationToken, Task>? developmentSeed = null)
        where TContext : DbContext
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<TContext>>();
        var stopping = app.Lifetime.ApplicationStopping;

        var connection = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        if (Path.GetDirectoryName(Path.GetFullPath(connection.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.MigrateAsync(stopping);
        // WAL lets readers proceed while one writer commits; it is a property of the file, so set once.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", stopping);

        if (developmentSeed is not null && app.Environment.IsDevelopment())
        {
            await developmentSeed(db, scope.ServiceProvider, stopping);
        }

        logger.LogInformation("Database {Database} is migrated", connection.DataSource);
    }

    /// <summary>Saves, or answers false when a UNIQUE constraint refuses the change, e.g. a duplicate email.</summary>
    public static async Task<bool> TrySaveChangesAsync(this DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.InnerException is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 })
        {
            return false;
        }
    }
}
