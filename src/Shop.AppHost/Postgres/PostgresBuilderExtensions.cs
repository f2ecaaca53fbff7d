using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Shop.AppHost.Postgres;

/// <summary>The databases on the PostgreSQL server, by name, and whether the services wait for them before they start.</summary>
internal sealed record PostgresDatabases(IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> ByName, bool ServicesWait);

internal static class PostgresBuilderExtensions
{
    // Room for every replica's connection pool (each service keeps at most 40 connections), on every host Shop starts.
    private const string MaxConnections = "max_connections=300";

    /// <summary>
    /// Adds the PostgreSQL server <paramref name="name"/> on the host <see cref="PostgresHostSelector"/> picks, with one
    /// database a name in <paramref name="databaseNames"/>.
    /// </summary>
    public static PostgresDatabases AddPostgresDatabases(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, IEnumerable<string> databaseNames)
    {
        // A published manifest is the same wherever it is made: it never asks this machine what it has.
        var choice = builder.ExecutionContext.IsPublishMode
            ? new PostgresHostChoice(PostgresHost.Container, "the AppHost publishes, and a deployment runs containers")
            : PostgresHostSelector.Choose(builder.Configuration);
        var cluster = choice.Host == PostgresHost.Local ? LocalPostgresCluster.For(dataDirectory) : null;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(PostgresBuilderExtensions).Namespace!)
                .LogInformation("The {Resource} resource runs on {PostgresHost}, because {Reason}{Cluster}",
                    name, choice.Host, choice.Reason, cluster is null ? "" : $"; its cluster is in {cluster.Directory}");
            return Task.CompletedTask;
        });

        switch (choice.Host)
        {
            case PostgresHost.Container:
            {
                // Aspire names a volume after the AppHost's path; a published one is named the same everywhere.
                var server = builder.AddPostgres(name, password: builder.CreateResourceBuilder(PasswordOf(builder, name)))
                    .WithDataVolume(builder.ExecutionContext.IsPublishMode ? $"shop-{name}-data" : null)
                    .WithArgs("-c", MaxConnections)
                    .WithoutDeveloperCertificate();
                return new(databaseNames.ToDictionary(database => database,
                    database => (IResourceBuilder<IResourceWithConnectionString>)server.AddDatabase(database)), ServicesWait: true);
            }
            case PostgresHost.Local:
            {
                var server = builder.AddLocalPostgres(name, choice.Installation!, cluster!, databaseNames);
                return new(databaseNames.ToDictionary(database => database, database => builder.AddDatabaseOn(server, database)), ServicesWait: true);
            }
            default:
            {
                // The services start without waiting: a server that cannot be reached is theirs to report, and they wait for it.
                var server = builder.AddConnectionString(name);
                return new(databaseNames.ToDictionary(database => database, database => builder.AddDatabaseOn(server, database)), ServicesWait: false);
            }
        }
    }

    /// <summary>The same generated, persisted secret that AddPostgres would create, so that both hosts share one setting.</summary>
    private static ParameterResource PasswordOf(IDistributedApplicationBuilder builder, string name) =>
        ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

    private static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalPostgresInstallation installation, LocalPostgresCluster cluster,
        IEnumerable<string> databaseNames)
    {
        var password = PasswordOf(builder, name);
        // PostgreSQL writes its whole log, routine lines included, to standard error, which the dashboard shows as
        // errors; each line names its own level, so the log goes to standard output.
        var (command, prefix) = cluster.AsAccount("/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", installation.Postgres);
        var resource = new LocalPostgresResource(name, command, Path.GetDirectoryName(cluster.Directory)!, password);
        var server = builder.AddResource(resource)
            .WithEndpoint(name: LocalPostgresResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("DatabaseMultiple")
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D"); context.Args.Add(cluster.Directory);
                context.Args.Add("-p"); context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                // Loopback only, and no Unix socket, whose folder the account may not be able to write.
                context.Args.Add("-c"); context.Args.Add("listen_addresses=localhost");
                context.Args.Add("-c"); context.Args.Add("unix_socket_directories=");
                context.Args.Add("-c"); context.Args.Add(MaxConnections);
            });

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (@event, cancellationToken) =>
        {
            if (cluster.Exists)
            {
                return;
            }

            var log = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
            log.LogInformation("Making the cluster in {Directory}", cluster.Directory);
            var secret = await password.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The {password.Name} parameter has no value.");
            await cluster.InitializeAsync(installation, secret, line => log.LogInformation("{Line}", line), cancellationToken);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));

        // As Aspire does for its container: the databases exist by the time the server is ready.
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (_, cancellationToken) =>
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
            await connection.OpenAsync(cancellationToken);
            foreach (var database in databaseNames)
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
                exists.Parameters.AddWithValue("name", database);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        });

        // Stopping the AppHost stops the server with a fast shutdown (SIGINT): the orchestrator's SIGTERM asks for a
        // smart one, which waits for every pooled connection to close.
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
            {
                if (!OperatingSystem.IsWindows()
                    && notifications.TryGetCurrentState(name, out var state)
                    && state.Snapshot.State?.Text == KnownResourceStates.Running
                    && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid)
                {
                    // Quietly: the server may have ended already, with the state not yet showing it.
                    using var signal = Process.Start(new ProcessStartInfo("kill", ["-INT", Convert.ToString(pid, CultureInfo.InvariantCulture)!])
                    {
                        RedirectStandardError = true
                    })!;
                    signal.WaitForExit(TimeSpan.FromSeconds(5));
                }
            });
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString is null
                ? throw new InvalidOperationException($"The {name} connection string is not available yet.")
                : connectionString + ";Database=postgres",
            name: healthCheckKey);
        return server.WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// A database on <paramref name="server"/>, as the connection string of the server with the database's name, shown
    /// under the server, healthy once it can be opened.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddDatabaseOn<TServer>(
        this IDistributedApplicationBuilder builder, IResourceBuilder<TServer> server, string database)
        where TServer : IResourceWithConnectionString
    {
        var resource = builder.AddConnectionString(database, ReferenceExpression.Create($"{server.Resource};Database={database}"))
            .WithParentRelationship(server.Resource);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
            connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheckKey = $"{database}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"The {database} connection string is not available yet."),
            name: healthCheckKey);
        return resource.WithHealthCheck(healthCheckKey);
    }
}
