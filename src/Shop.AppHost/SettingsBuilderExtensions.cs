using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

internal static class SettingsBuilderExtensions
{
    /// <summary>
    /// Passes the AppHost's settings under <paramref name="section"/> on to a service, e.g.
    /// <c>--Reservations:HoldTimeout=00:00:05</c> on the AppHost's command line reaches the products service.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSettingsFrom(
        this IResourceBuilder<ProjectResource> builder, IConfiguration configuration, string section)
    {
        foreach (var setting in configuration.GetSection(section).AsEnumerable(makePathsRelative: false))
        {
            if (setting.Value is not null)
            {
                builder.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
            }
        }

        return builder;
    }

    /// <summary>A secret parameter that is generated when not configured (<c>Parameters:{name}</c>), and then kept.</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
