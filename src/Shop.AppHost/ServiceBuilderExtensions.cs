using Microsoft.Extensions.Configuration;
using Shop.AppHost.Cache;

namespace Shop.AppHost;

/// <summary>What every service of the shop runs on: its databases' provider and how many processes each service runs.</summary>
internal sealed record ServicePlatform(ServiceDatabases Databases, int Replicas);

internal static class ServiceBuilderExtensions
{
    /// <summary>The settings every service reads, which the AppHost passes on from its own configuration.</summary>
    private static readonly string[] SharedSettings = ["RateLimits", "ServiceCalls", "Identity", "ForwardedHeaders", "OpenApi"];

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
        var service = builder.AddProject<TProject>(name)
            .WithServiceEndpoint(platform.Replicas)
            .WithDotnetReferences()
            .WithBuiltAssembly()
            .WithDatabase(platform.Databases, database)
            .DisableForwardedHeaders();
        foreach (var section in settings.Concat(SharedSettings))
        {
            service.WithSettingsFrom(builder.Configuration, section);
        }

        return service.WithHttpHealthCheck("/health");
    }

    /// <summary>Gives the service the cache, and the AppHost's <c>Cache</c> settings but the choice of its host, and starts it once the cache is up.</summary>
    public static IResourceBuilder<ProjectResource> WithCache(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> cache) =>
        service
            .WithSettingsFrom(service.ApplicationBuilder.Configuration, "Cache", except: CacheHostSelector.SettingName)
            .WithReference(cache)
            .WaitFor(cache);
}
