using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Shop.AppHost.Postgres;

/// <summary>Where the PostgreSQL server runs when <c>Data:Provider</c> is postgres.</summary>
internal enum PostgresHost
{
    /// <summary>The PostgreSQL container of Aspire.Hosting.PostgreSQL; needs a container runtime.</summary>
    Container,

    /// <summary>The PostgreSQL installed on this machine, as a local process on a cluster of the shop's own.</summary>
    Local,

    /// <summary>A server of the user's, reached with <c>ConnectionStrings:postgres</c>, e.g. a managed database.</summary>
    External
}

internal sealed record PostgresHostChoice(PostgresHost Host, string Reason, LocalPostgresInstallation? Installation = null);

internal static class PostgresHostSelector
{
    public const string SettingName = "Data:PostgresHost";
    public const string ConnectionStringSetting = $"ConnectionStrings:{ShopResources.Postgres}";

    /// <summary>
    /// Honours <c>Data:PostgresHost</c>, or with <c>auto</c> picks the first that applies: the user's server when
    /// <c>ConnectionStrings:postgres</c> is set, a container when a runtime answers, the installed PostgreSQL. When none
    /// does, it stops the AppHost at once and says what to install or set.
    /// </summary>
    public static PostgresHostChoice Choose(IConfiguration configuration)
    {
        var external = configuration.GetConnectionString(ShopResources.Postgres);
        return configuration[SettingName]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => Detect(external),
            "container" => new(PostgresHost.Container, $"{SettingName} is 'container'"),
            "local" => new(PostgresHost.Local, $"{SettingName} is 'local'", LocalPostgresInstallation.Find() ?? throw NotInstalled()),
            "external" => External(external, $"{SettingName} is 'external'"),
            var other => throw new InvalidOperationException(
                $"{SettingName} is '{other}'; use one of auto, container, local or external.")
        };
    }

    private static PostgresHostChoice Detect(string? external)
    {
        if (external is not null)
        {
            return External(external, $"{ConnectionStringSetting} is set");
        }

        if (MachineProbe.ContainerRuntime is { } runtime)
        {
            return new(PostgresHost.Container, $"the container runtime '{runtime}' answers");
        }

        if (LocalPostgresInstallation.Find() is { } installation)
        {
            return new(PostgresHost.Local, $"no container runtime answers and PostgreSQL is installed in {installation.BinDirectory}", installation);
        }

        throw new InvalidOperationException(
            $"{DataProviders.Setting} is postgres, but there is no PostgreSQL to run here: no container runtime answers (docker, podman) " +
            $"and {NotInstalled().Message} Or set {ConnectionStringSetting} to a server of yours.");
    }

    private static PostgresHostChoice External(string? connectionString, string reason)
    {
        if (connectionString is null)
        {
            throw new InvalidOperationException(
                $"{SettingName} is 'external', but {ConnectionStringSetting} is not set: set it to the server's connection string, e.g. in the AppHost's user secrets.");
        }

        try
        {
            if (new NpgsqlConnectionStringBuilder(connectionString).Host is not { Length: > 0 })
            {
                throw new InvalidOperationException($"{ConnectionStringSetting} names no Host.");
            }
        }
        catch (ArgumentException exception)
        {
            // The message names the setting and the fault, never the value, which holds a password.
            throw new InvalidOperationException($"{ConnectionStringSetting} is not a PostgreSQL connection string: {exception.Message}");
        }

        return new(PostgresHost.External, reason);
    }

    private static InvalidOperationException NotInstalled() => new(
        "PostgreSQL is not installed (looked for postgres and initdb on PATH and under /usr/lib/postgresql/*/bin): " +
        "install it, e.g. 'sudo apt-get install postgresql' on Debian or Ubuntu.");
}
