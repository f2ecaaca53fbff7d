using Microsoft.Extensions.Configuration;

namespace Shop.AppHost;

/// <summary>
/// How many processes each service runs: <c>Services:{name}:Replicas</c> for that service, else <c>Services:Replicas</c>
/// for every service, 1 by default. Replicas share their service's database, so more than one needs PostgreSQL: a
/// SQLite file belongs to one process.
/// </summary>
internal sealed class ServiceReplicas(IConfiguration configuration, ServiceDatabases databases)
{
    public const string Section = "Services";
    public const string DefaultSettingName = $"{Section}:Replicas";

    /// <summary>The processes <paramref name="service"/> runs, checked as the AppHost starts.</summary>
    public int Of(string service)
    {
        var settingName = $"{Section}:{service}:Replicas";
        var setting = configuration[settingName] is not null ? settingName : DefaultSettingName;
        var replicas = configuration.GetValue(setting, defaultValue: 1);
        if (replicas < 1)
        {
            throw new InvalidOperationException($"{setting} is {replicas}; it must be 1 or more.");
        }

        if (replicas > 1 && databases.Provider != DataProviders.Postgres)
        {
            throw new InvalidOperationException(
                $"{setting} is {replicas}, but the data is in SQLite files, which one process each may own: " +
                $"add --{DataProviders.Setting}={DataProviders.Postgres} to share a PostgreSQL database between the replicas, or run one replica.");
        }

        return replicas;
    }

    /// <summary>
    /// Refuses a replica count for a service the shop does not have (<c>Services:order:Replicas</c> for orders, say),
    /// which would otherwise be ignored without a word.
    /// </summary>
    public void RefuseUnknownServices(IReadOnlyCollection<string> services)
    {
        foreach (var section in configuration.GetSection(Section).GetChildren())
        {
            if (section["Replicas"] is not null && !services.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"{Section}:{section.Key}:Replicas names no service of the shop; the services are {string.Join(", ", services)}.");
            }
        }
    }
}
