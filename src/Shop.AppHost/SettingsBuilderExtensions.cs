using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

internal static class SettingsBuilderExtensions
{
    /// <summary>
    /// Passes the AppHost's settings under <paramref name="section"/> on to a service, e.g.
    /// <c>--Reservations:HoldTimeout=00:00:05</c> on the AppHost's command line reaches the products service; not
    /// those named in <paramref name="except"/>, which are the AppHost's own. Not when publishing: the manifest is the
    /// same on every machine, so it holds nothing of this one's settings (or secrets); a deployment sets its own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSettingsFrom(
        this IResourceBuilder<ProjectResource> builder, IConfiguration configuration, string section, params string[] except)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        foreach (var setting in configuration.GetSection(section).AsEnumerable(makePathsRelative: false))
        {
            if (setting.Value is not null && !except.Contains(setting.Key, StringComparer.OrdinalIgnoreCase))
            {
                builder.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
            }
        }

        return builder;
    }

    /// <summary>
    /// Gives the service, of what it references, only what a .NET service reads: connection strings
    /// (<c>ConnectionStrings__usersdb</c>) and service discovery entries (<c>services__users__http__0</c>). Aspire would
    /// add each reference's parts for other languages too (<c>USERSDB_HOST</c>, <c>USERS_HTTP</c>, ...), which every
    /// deployment would then have to carry.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDotnetReferences(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString | ReferenceEnvironmentInjectionFlags.ServiceDiscovery);

    /// <summary>A secret parameter that is generated when not configured (<c>Parameters:{name}</c>), and then kept.</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
