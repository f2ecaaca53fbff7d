using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Shop.AppHost.Postgres;

/// <summary>
/// The shop's own PostgreSQL cluster on this machine, and the account it runs as. PostgreSQL refuses to run as root:
/// an AppHost run as root runs it as the <c>postgres</c> account (which Debian's package creates), on a cluster in that
/// account's home, since the account may not be able to reach the data folder; otherwise it runs as the user, on a
/// cluster in the data folder.
/// </summary>
internal sealed record LocalPostgresCluster(string Directory, string? Account)
{
    public const string ServiceAccount = "postgres";

    public static LocalPostgresCluster For(string dataDirectory)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return new(Path.Combine(dataDirectory, "postgres"), null);
        }

        var home = HomeOf(ServiceAccount) ?? throw new InvalidOperationException(
            $"PostgreSQL refuses to run as root, and there is no '{ServiceAccount}' account to run it as: run the AppHost as an " +
            "ordinary user, or install PostgreSQL from your distribution's package, which creates the account.");
        // One cluster a data folder, as when the cluster lives in it.
        var folder = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        return new(Path.Combine(home, "shop", folder), ServiceAccount);
    }

    /// <summary>Whether initdb has made the cluster already.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, "PG_VERSION"));

    /// <summary>Starts <paramref name="program"/> as the cluster's account: through setpriv, which becomes it and then runs the program in its place.</summary>
    public (string Command, IReadOnlyList<string> Arguments) AsAccount(string program, params IReadOnlyList<string> arguments) =>
        Account is null
            ? (program, arguments)
            : (MachineProbe.FindOnPath("setpriv") ?? throw new InvalidOperationException("setpriv (util-linux) is needed to run PostgreSQL as root."),
               [$"--reuid={Account}", $"--regid={Account}", "--init-groups", "--", program, .. arguments]);

    /// <summary>
    /// Makes the cluster with <c>initdb</c>: the superuser <c>postgres</c> with <paramref name="password"/>, which is given
    /// through a file only the account can read, removed at once; password authentication for every connection.
    /// </summary>
    public async Task InitializeAsync(LocalPostgresInstallation installation, string password, Action<string> log, CancellationToken cancellationToken)
    {
        const string Script = """
            set -e
            umask 077
            pwfile="$(mktemp)"
            trap 'rm -f "$pwfile"' EXIT
            cat > "$pwfile"
            mkdir -p "$(dirname "$1")"
            "$2" -D "$1" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --no-locale
            """;
        var (command, arguments) = AsAccount("/bin/sh", "-c", Script, "initdb", Directory, installation.Initdb);
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("initdb did not start.");
        process.OutputDataReceived += (_, line) => Log(line.Data);
        process.ErrorDataReceived += (_, line) => Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.StandardInput.WriteAsync(password);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb could not make the cluster in {Directory} (exit code {process.ExitCode}); its output is in the resource's log.");
        }

        void Log(string? line)
        {
            if (line is not null)
            {
                log(line);
            }
        }
    }

    private static string? HomeOf(string account) =>
        File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .FirstOrDefault(fields => fields.Length > 5 && fields[0] == account)?[5];
}
