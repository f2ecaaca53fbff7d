using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

internal static class EndpointBuilderExtensions
{
    /// <summary>
    /// Serves the project's http endpoint itself rather than behind the orchestrator's proxy: callers save
    /// a hop on every request, and a stopped service refuses connections at once, so its callers fail fast
    /// instead of waiting for a timeout. The port is the launch profile's unless <c>Services:FixedPorts</c>
    /// is false, which takes free ports so that a second topology (the tests, the benchmark) can run beside this one.
    /// <para>
    /// The services speak plain HTTP inside the topology, so they are given no HTTPS certificate: without this,
    /// Aspire counts every project as using TLS and, on a machine without a trusted developer certificate, shows
    /// an error banner on every dashboard page for a certificate nothing here uses.
    /// </para>
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> builder)
    {
        var fixedPorts = builder.ApplicationBuilder.Configuration.GetValue("Services:FixedPorts", defaultValue: true);
        return builder
            .WithEndpoint("http", endpoint =>
            {
                endpoint.IsProxied = false;
                if (!fixedPorts)
                {
                    endpoint.Port = null;
                }
            })
            .WithoutDeveloperCertificate();
    }

#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; it only switches off a certificate this resource never serves.
    /// <summary>Gives the resource no HTTPS certificate: it serves nothing over TLS.</summary>
    public static IResourceBuilder<TResource> WithoutDeveloperCertificate<TResource>(this IResourceBuilder<TResource> builder)
        where TResource : IResourceWithEnvironment, IResourceWithArgs =>
        builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
}
