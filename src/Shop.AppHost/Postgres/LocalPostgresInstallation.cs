using System.Globalization;

namespace Shop.AppHost.Postgres;

/// <summary>The PostgreSQL server programs installed on this machine.</summary>
internal sealed record LocalPostgresInstallation(string BinDirectory)
{
    // Debian and Ubuntu keep the server off PATH, one folder a major version.
    private const string DebianRoot = "/usr/lib/postgresql";

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string Initdb => Path.Combine(BinDirectory, "initdb");

    /// <summary>The folder with both <c>postgres</c> and <c>initdb</c>: on PATH, else the newest under /usr/lib/postgresql.</summary>
    public static LocalPostgresInstallation? Find()
    {
        if (MachineProbe.FindOnPath("postgres") is { } onPath && Complete(Path.GetDirectoryName(onPath)!) is { } found)
        {
            return found;
        }

        return Directory.Exists(DebianRoot)
            ? Directory.EnumerateDirectories(DebianRoot)
                .Where(directory => int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderByDescending(directory => int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture))
                .Select(directory => Complete(Path.Combine(directory, "bin")))
                .FirstOrDefault(installation => installation is not null)
            : null;
    }

    private static LocalPostgresInstallation? Complete(string binDirectory)
    {
        var installation = new LocalPostgresInstallation(binDirectory);
        return File.Exists(installation.Postgres) && File.Exists(installation.Initdb) ? installation : null;
    }
}
