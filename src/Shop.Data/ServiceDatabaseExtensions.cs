using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Data.Providers;
using Shop.Data.Work;
using Shop.ServiceDefaults.Errors;

namespace Microsoft.Extensions.Hosting;

public static class ServiceDatabaseExtensions
{
    // A request that meets a database outage is answered 503 within seconds, not after EF's default minute of retries.
    private const int PostgresRetries = 3;
    private static readonly TimeSpan PostgresRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Registers the service's database under the connection string <paramref name="connectionName"/>, on the provider
    /// that <c>Data:Provider</c> names: <typeparamref name="TContext"/> on SQLite (the default), or
    /// <typeparamref name="TPostgresContext"/>, which has the PostgreSQL migrations, through Aspire's Npgsql integration.
    /// Either way the service asks for <typeparamref name="TContext"/>. This is the one place where the provider is chosen.
    /// </summary>
    /// <remarks>
    /// Contexts are pooled, so that a request does not build the context's options and internal services anew.
    /// On PostgreSQL a command that meets a transient failure is tried again a few times, within seconds; work in an
    /// explicit transaction must run through <see cref="Shop.Data.Persistence.TransactionExtensions.InTransactionAsync{T}"/>, which retries it whole.
    /// </remarks>
    public static IHostApplicationBuilder AddServiceDatabase<TContext, TPostgresContext>(
        this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        var database = new ServiceDatabase(connectionName, ProviderOf(builder.Configuration));
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<IServiceDatabase>(database);
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"The connection string '{connectionName}' is missing.");

        if (database.Provider == DataProviders.Postgres)
        {
            builder.AddNpgsqlDbContext<TPostgresContext>(connectionName,
                settings =>
                {
                    settings.DisableRetry = true;
                    settings.ConnectionString = PostgresConnectionDefaults.Apply(settings.ConnectionString);
                },
                options => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(PostgresRetries, PostgresRetryDelay, errorCodesToAdd: null)));
            builder.Services.AddScoped<TContext>(services => services.GetRequiredService<TPostgresContext>());
            builder.Services.AddSingleton<WorkLease>(new PostgresWorkLease(PostgresConnectionDefaults.Apply(connectionString)!));
            return builder;
        }

        builder.Services.AddDbContextPool<TContext>(options =>
            options.UseSqlite(connectionString).AddInterceptors(SqliteWriteGate.Instance));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(connectionName);
        builder.Services.AddSingleton<WorkLease, ProcessWorkLease>();
        return builder;
    }

    private static string ProviderOf(IConfiguration configuration) => configuration[DataProviders.Setting]?.Trim().ToLowerInvariant() switch
    {
        null or "" or DataProviders.Sqlite => DataProviders.Sqlite,
        DataProviders.Postgres => DataProviders.Postgres,
        var other => throw new InvalidOperationException(
            $"{DataProviders.Setting} is '{other}'; use {DataProviders.Sqlite} or {DataProviders.Postgres}.")
    };
}
