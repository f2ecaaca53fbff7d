using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

internal static class EndpointBuilderExtensions
{
    /// <summary>The port a published service listens on: the one .NET's container images listen on (ASPNETCORE_HTTP_PORTS).</summary>
    private const int PublishedPort = 8080;

    /// <summary>
    /// Gives the project its http endpoint and <paramref name="replicas"/> processes. One process serves the endpoint
    /// itself rather than behind the orchestrator's proxy: callers save a hop on every request, and a stopped service
    /// refuses connections at once, so its callers fail fast instead of waiting for a timeout. Several replicas cannot
    /// share a port, so the orchestrator's proxy serves it and spreads the connections over them. The port is the
    /// launch profile's unless <c>Services:FixedPorts</c> is false, which takes free ports so that a second topology
    /// (the tests, the benchmark) can run beside this one.
    /// <para>
    /// The services speak plain HTTP inside the topology, so they are given no HTTPS certificate: without this,
    /// Aspire counts every project as using TLS and, on a machine without a trusted developer certificate, shows
    /// an error banner on every dashboard page for a certificate nothing here uses.
    /// </para>
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceEndpoint(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder.WithPublishedEndpoint();
        }

        var fixedPorts = builder.ApplicationBuilder.Configuration.GetValue("Services:FixedPorts", defaultValue: true);
        builder
            .WithEndpoint("http", endpoint =>
            {
                endpoint.IsProxied = replicas > 1;
                if (!fixedPorts)
                {
                    endpoint.Port = null;
                }
            })
            .WithoutDeveloperCertificate();
        return replicas > 1 ? builder.WithReplicas(replicas) : builder;
    }

    /// <summary>
    /// Published, a service listens for plain HTTP on the port of .NET's container images, 8080, wherever it is
    /// deployed: TLS ends at the platform's ingress. Aspire gives a published project an HTTPS endpoint too, which the
    /// service would not serve, and which would point the other services' discovery entries at nothing. How many
    /// replicas run is the deployment's to say, not the manifest's.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithPublishedEndpoint(this IResourceBuilder<ProjectResource> builder)
    {
        foreach (var https in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "https").ToList())
        {
            builder.Resource.Annotations.Remove(https);
        }

        return builder.WithEndpoint("http", endpoint => endpoint.TargetPort = PublishedPort);
    }

#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; it only switches off a certificate this resource never serves.
    /// <summary>Gives the resource no HTTPS certificate: it serves nothing over TLS.</summary>
    public static IResourceBuilder<TResource> WithoutDeveloperCertificate<TResource>(this IResourceBuilder<TResource> builder)
        where TResource : IResourceWithEnvironment, IResourceWithArgs =>
        builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
}
