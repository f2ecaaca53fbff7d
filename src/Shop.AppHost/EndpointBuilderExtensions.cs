using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

internal static class EndpointBuilderExtensions
{
    /// <summary>
    /// Serves the project's http endpoint itself rather than behind the orchestrator's proxy: callers save
    /// a hop on every request, and a stopped service refuses connections at once, so its callers fail fast
    /// instead of waiting for a timeout. The port is the launch profile's unless <c>Services:FixedPorts</c>
    /// is false, which takes free ports so that a second topology (the tests, the benchmark) can run beside this one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> builder)
    {
        var fixedPorts = builder.ApplicationBuilder.Configuration.GetValue("Services:FixedPorts", defaultValue: true);
        return builder.WithEndpoint("http", endpoint =>
        {
            endpoint.IsProxied = false;
            if (!fixedPorts)
            {
                endpoint.Port = null;
            }
        });
    }
}
