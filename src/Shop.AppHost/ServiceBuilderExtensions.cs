using Microsoft.Extensions.Configuration;
using Shop.AppHost.Cache;

namespace Shop.AppHost;

/// <summary>What every service of the shop runs on: its databases' provider and how many processes each service runs.</summary>
internal sealed record ServicePlatform(ServiceDatabases Databases, ServiceReplicas Replicas);

internal static class ServiceBuilderExtensions
{
    /// <summary>The settings every service reads, which the AppHost passes on from its own configuration.</summary>
    private static readonly string[] SharedSettings = ["RateLimits", "ServiceCalls", "Identity", "ForwardedHeaders", "OpenApi"];

    /// <summary>The per-address limits a service is given behind the orchestrator's proxy, unless <c>RateLimits</c> sets them.</summary>
    private const string ProxiedAddressLimitsSection = "Services:ProxiedAddressLimits";

    /// <summary>
    /// Adds a service as every service of the shop runs: its endpoint and replicas, started from its built assembly,
    /// only the references a .NET service reads, its own database, the shared settings and <paramref name="settings"/>
    /// of its own from the AppHost's configuration, and its health endpoint. What differs between services is then all
    /// that the AppHost says of each. Published, a service does not believe X-Forwarded-For from any peer, as Aspire
    /// would have it: only from the proxies a deployment names (<c>ForwardedHeaders:TrustedNetworks</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, ServicePlatform platform, string database, params string[] settings)
        where TProject : IProjectMetadata, new()
    {
        var replicas = platform.Replicas.Of(name);
        var service = builder.AddProject<TProject>(name)
            .WithServiceEndpoint(replicas)
            .WithDotnetReferences()
            .WithBuiltAssembly()
            .WithDatabase(platform.Databases, database)
            .DisableForwardedHeaders();
        foreach (var section in settings.Concat(SharedSettings))
        {
            service.WithSettingsFrom(builder.Configuration, section);
        }

        return service
            .WithProxiedAddressLimits(replicas)
            .WithHttpHealthCheck("/health")
            .WithRollingRestart();
    }

    /// <summary>
    /// Behind the orchestrator's proxy (more than one replica), a service sees every client at the proxy's address: the
    /// proxy passes connections on and adds no X-Forwarded-For. Its per-address limits are then one limit for everyone on
    /// this machine, so they are sized for that (<c>Services:ProxiedAddressLimits</c>), unless <c>RateLimits</c> sets them;
    /// the limits per person and per account still hold as they are.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithProxiedAddressLimits(this IResourceBuilder<ProjectResource> service, int replicas)
    {
        var configuration = service.ApplicationBuilder.Configuration;
        if (replicas == 1 || !service.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return service;
        }

        foreach (var limit in configuration.GetSection(ProxiedAddressLimitsSection).GetChildren())
        {
            if (configuration[$"RateLimits:{limit.Key}"] is null && limit.Value is not null)
            {
                service.WithEnvironment($"RateLimits__{limit.Key}", limit.Value);
            }
        }

        return service;
    }

    /// <summary>Gives the service the cache, and the AppHost's <c>Cache</c> settings but the choice of its host, and starts it once the cache is up.</summary>
    public static IResourceBuilder<ProjectResource> WithCache(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> cache) =>
        service
            .WithSettingsFrom(service.ApplicationBuilder.Configuration, "Cache", except: CacheHostSelector.SettingName)
            .WithReference(cache)
            .WaitFor(cache);
}
