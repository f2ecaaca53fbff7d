using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Shop.AppHost.Postgres;

/// <summary>
/// The PostgreSQL server when the AppHost runs it, the databases on it by name, and whether the services wait for them
/// before they start.
/// </summary>
internal sealed record PostgresDatabases(
    IResourceBuilder<IResource>? Server, IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> ByName, bool ServicesWait);

internal static class PostgresBuilderExtensions
{
    // Room for every replica's connection pool (each service keeps at most 40 connections), on every host Shop starts.
    private const string MaxConnections = "max_connections=300";

    /// <summary>
    /// Adds the PostgreSQL server <paramref name="name"/> on the host <see cref="PostgresHostSelector"/> picks, with one
    /// database a name in <paramref name="databaseNames"/>; on a server the AppHost runs, each is owned and reached by a
    /// role of its own (<see cref="PostgresRoles"/>).
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

        var names = databaseNames.ToList();
        switch (choice.Host)
        {
            case PostgresHost.Container:
            {
                // Aspire names a volume after the AppHost's path; a published one is named the same everywhere.
                var server = builder.AddPostgres(name, password: builder.CreateResourceBuilder(PasswordOf(builder, name)))
                    .WithDataVolume(builder.ExecutionContext.IsPublishMode ? $"shop-{name}-data" : null)
                    .WithArgs("-c", MaxConnections)
                    .WithoutDeveloperCertificate();
                var roles = RolePasswords(builder, names);
                builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (@event, cancellationToken) =>
                    await EnsureRolesAsync(@event.Services, server.Resource, roles, cancellationToken));
                return new(server, names.ToDictionary(database => database,
                    database => builder.AddDatabaseAs(server.Resource, database, RoleConnectionString(server.Resource.PrimaryEndpoint, database, roles[database]))),
                    ServicesWait: true);
            }
            case PostgresHost.Local:
            {
                var roles = RolePasswords(builder, names);
                var server = builder.AddLocalPostgres(name, choice.Installation!, cluster!, roles);
                return new(server, names.ToDictionary(database => database,
                    database => builder.AddDatabaseAs(server.Resource, database, RoleConnectionString(server.Resource.PrimaryEndpoint, database, roles[database]))),
                    ServicesWait: true);
            }
            default:
            {
                // The user's server and its accounts are the user's: a database with a connection string of its own
                // (ConnectionStrings:usersdb, ...) signs in with it, the others with the server's account.
                var server = builder.AddConnectionString(name);
                var shared = names.Where(database => builder.Configuration.GetConnectionString(database) is null).ToList();
                if (shared.Count > 0)
                {
                    builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
                    {
                        @event.Services.GetRequiredService<ILoggerFactory>()
                            .CreateLogger(typeof(PostgresBuilderExtensions).Namespace!)
                            .LogWarning("{Databases} sign in with the account of {Setting}, which can reach every database: give each its own role with ConnectionStrings:<database>",
                                string.Join(", ", shared), PostgresHostSelector.ConnectionStringSetting);
                        return Task.CompletedTask;
                    });
                }

                // The services start without waiting: a server that cannot be reached is theirs to report, and they wait for it.
                return new(null, names.ToDictionary(database => database, database => shared.Contains(database)
                    ? builder.AddDatabaseAs(server.Resource, database, ReferenceExpression.Create($"{server.Resource};Database={database}"))
                    : builder.AddConnectionString(database).WithDatabaseHealthCheck(database)), ServicesWait: false);
            }
        }
    }

    /// <summary>
    /// Each database's role's password: a generated secret parameter, persisted like the server's, and in the model (the
    /// dashboard's Parameters) so that the connection strings that use it are resolved.
    /// </summary>
    private static Dictionary<string, ParameterResource> RolePasswords(IDistributedApplicationBuilder builder, IEnumerable<string> databases) =>
        databases.ToDictionary(database => database, database => builder.AddParameter(PostgresRoles.PasswordParameterName(database),
            new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true).Resource);

    /// <summary>The connection string a service gets: its database, as the role that owns it.</summary>
    private static ReferenceExpression RoleConnectionString(EndpointReference endpoint, string database, ParameterResource password) =>
        ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={database};Password={password};Database={database}");

    /// <summary>Makes each database's role with the superuser, once the server is ready; the AppHost stops, saying why, when that fails.</summary>
    private static async Task EnsureRolesAsync(
        IServiceProvider services, IResourceWithConnectionString server, IReadOnlyDictionary<string, ParameterResource> roles, CancellationToken cancellationToken)
    {
        try
        {
            var superuser = await server.ConnectionStringExpression.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The {server.Name} resource has no connection string.");
            var passwords = new List<DatabaseRole>();
            foreach (var (database, password) in roles)
            {
                passwords.Add(new(database, await password.GetValueAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"The {password.Name} parameter has no value.")));
            }

            await PostgresRoles.EnsureAsync(superuser, passwords, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            StopForFailure(services, server, $"its databases' roles could not be made: {exception.Message}");
        }
    }

    /// <summary>Says on the AppHost's console and in the resource's log why <paramref name="resource"/> failed, and stops the AppHost.</summary>
    private static void StopForFailure(IServiceProvider services, IResource resource, string cause)
    {
        services.GetRequiredService<ResourceLoggerService>().GetLogger(resource).LogError("{Cause}", cause);
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PostgresBuilderExtensions).Namespace!)
            .LogCritical("The {Resource} resource failed, so the AppHost stops: {Cause}", resource.Name, cause);
        services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
    }

    /// <summary>The same generated, persisted secret that AddPostgres would create, so that both hosts share one setting.</summary>
    private static ParameterResource PasswordOf(IDistributedApplicationBuilder builder, string name) =>
        ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

    private static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalPostgresInstallation installation, LocalPostgresCluster cluster,
        IReadOnlyDictionary<string, ParameterResource> roles)
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
            try
            {
                await cluster.InitializeAsync(installation, secret, line => log.LogInformation("{Line}", line), cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                // An exception here alone leaves the orchestrator waiting for the resource, and the services for it, silently.
                StopForFailure(@event.Services, resource, exception.Message);
                throw;
            }
        });

        // As Aspire does for its container: the databases, and their roles, exist by the time the server is ready.
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, cancellationToken) =>
            await EnsureRolesAsync(@event.Services, resource, roles, cancellationToken));

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) =>
        {
            _ = ReportExitsAsync(@event.Services, resource);
            return Task.CompletedTask;
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

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString is null
                ? throw new InvalidOperationException($"The {name} connection string is not available yet.")
                : connectionString + ";Database=postgres",
            name: healthCheckKey);
        return server.WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Says on the AppHost's console, with the last lines of its log, why the server ended whenever it ends with a
    /// failure while the AppHost runs, which the orchestrator only shows as a state. One that ends before it was ever
    /// healthy (a cluster it cannot use, a port taken) stops the AppHost, whose start would otherwise wait for it forever.
    /// </summary>
    private static async Task ReportExitsAsync(IServiceProvider services, IResource resource)
    {
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logs = services.GetRequiredService<ResourceLoggerService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PostgresBuilderExtensions).Namespace!);
        var lastLines = new Queue<string>();
        var followed = new HashSet<string>();
        var reported = new HashSet<DateTime?>();
        var healthy = new HashSet<DateTime?>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (update.Resource != resource)
                {
                    continue;
                }

                if (update.Snapshot.HealthStatus == HealthStatus.Healthy)
                {
                    healthy.Add(update.Snapshot.StartTimeStamp);
                }

                if (update.Snapshot.State?.Text == KnownResourceStates.Starting || update.Snapshot.State?.Text == KnownResourceStates.Running)
                {
                    if (followed.Add(update.ResourceId))
                    {
                        _ = FollowAsync(update.ResourceId);
                    }
                }
                else if (update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state)
                    && update.Snapshot.ExitCode is not (null or 0) && reported.Add(update.Snapshot.StartTimeStamp))
                {
                    // Its last lines may come a moment after its state.
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    string said;
                    lock (lastLines)
                    {
                        said = string.Join(Environment.NewLine, lastLines);
                    }

                    var cause = $"the server ended with exit code {update.Snapshot.ExitCode} ({state}). Its last lines:{Environment.NewLine}{said}";
                    if (healthy.Contains(update.Snapshot.StartTimeStamp))
                    {
                        logger.LogError("The {Resource} resource failed: {Cause}", resource.Name, cause);
                    }
                    else
                    {
                        StopForFailure(services, resource, cause);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }

        async Task FollowAsync(string resourceId)
        {
            try
            {
                await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(stopping))
                {
                    lock (lastLines)
                    {
                        foreach (var line in batch)
                        {
                            lastLines.Enqueue(line.Content);
                            while (lastLines.Count > 20)
                            {
                                lastLines.Dequeue();
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The AppHost is stopping.
            }
        }
    }

    /// <summary>A database on <paramref name="server"/> with the connection string <paramref name="connectionString"/>, shown under the server, healthy once it can be opened.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddDatabaseAs(
        this IDistributedApplicationBuilder builder, IResource server, string database, ReferenceExpression connectionString) =>
        builder.AddConnectionString(database, connectionString).WithParentRelationship(server).WithDatabaseHealthCheck(database);

    /// <summary>Healthy once the database can be opened with the connection string the services get.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> WithDatabaseHealthCheck(
        this IResourceBuilder<IResourceWithConnectionString> resource, string database)
    {
        string? connectionString = null;
        resource.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
            connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheckKey = $"{database}_check";
        resource.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"The {database} connection string is not available yet."),
            name: healthCheckKey);
        return resource.WithHealthCheck(healthCheckKey);
    }
}
