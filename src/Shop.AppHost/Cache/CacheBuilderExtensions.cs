using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost.Cache;

internal static class CacheBuilderExtensions
{
    /// <summary>
    /// Adds the Redis-compatible cache on the host that <see cref="CacheHostSelector"/> picks; when the AppHost publishes,
    /// Aspire's Redis container, whatever this machine has: a published manifest is the same wherever it is made.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddCache(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedis(name);
        }

        var choice = CacheHostSelector.Choose(builder.Configuration[CacheHostSelector.SettingName]);
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(CacheBuilderExtensions).Namespace!)
                .LogInformation("The {Resource} resource runs on {CacheHost}, because {Reason}", name, choice.Host, choice.Reason);
            return Task.CompletedTask;
        });

        if (choice.Host == CacheHost.Container)
        {
            return builder.AddRedis(name).WithoutDeveloperCertificate();
        }

        // The same generated, persisted secret that AddRedis would create, so both worlds share one setting.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        // In the private data folder rather than a shared one such as /tmp, where another account could make the folder first.
        var workingDirectory = PrivateDirectory.Ensure(
            Path.Combine(PrivateDirectory.Ensure(builder.GetDataDirectory(), DataBuilderExtensions.DirectorySettingName), name),
            DataBuilderExtensions.DirectorySettingName);

        var secrets = new CacheSecretsFile(workingDirectory, name);
        var resource = choice.Host == CacheHost.RedisServer
            ? new LocalCacheResource(name, "redis-server", workingDirectory, password)
            : new LocalCacheResource(name, DotnetHost.Path, workingDirectory, password);

        var cache = builder.AddResource(resource)
            .WithEndpoint(name: LocalCacheResource.PrimaryEndpointName, scheme: "tcp")
            .WithIconName("Database")
            .WithArgs(async context =>
            {
                var port = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                // The password goes in a file that only this user can read, never on the command line, where `ps`
                // and the resource's details show it to anyone; the file is removed once the cache is ready.
                var settings = secrets.Write(choice.Host, await password.GetValueAsync(context.CancellationToken));
                if (choice.Host == CacheHost.RedisServer)
                {
                    // redis-server takes its settings file first. A cache only: nothing is saved to disk.
                    context.Args.Add(settings);
                    context.Args.Add("--port"); context.Args.Add(port);
                    context.Args.Add("--bind"); context.Args.Add("127.0.0.1");
                    context.Args.Add("--dir"); context.Args.Add(workingDirectory);
                    context.Args.Add("--save"); context.Args.Add("");
                    context.Args.Add("--appendonly"); context.Args.Add("no");
                }
                else
                {
                    context.Args.Add(GarnetServerPath());
                    context.Args.Add("--config-import-path"); context.Args.Add(settings);
                    context.Args.Add("--port"); context.Args.Add(port);
                    context.Args.Add("--bind"); context.Args.Add("127.0.0.1");
                    context.Args.Add("--memory"); context.Args.Add("256m");
                    context.Args.Add("--index"); context.Args.Add("32m");
                }
            });
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, (_, _) =>
        {
            secrets.Remove();
            return Task.CompletedTask;
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"The {name} connection string is not available yet."),
            name: healthCheckKey);

        return cache.WithHealthCheck(healthCheckKey);
    }

    private static string GarnetServerPath()
    {
        var path = typeof(CacheBuilderExtensions).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "GarnetServerPath")
            .Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException("Garnet was not restored; run 'dotnet restore' for Shop.AppHost.", path);
    }
}
