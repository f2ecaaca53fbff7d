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
        AccountProcess.As(Account, "PostgreSQL", program, arguments);

    /// <summary>
    /// Makes the cluster with <c>initdb</c>: the superuser <c>postgres</c> with <paramref name="password"/>, which is given
    /// through a file only the account can read, removed at once; password authentication for every connection. It
    /// depends on nothing of the caller's: the password file is made in the cluster's own parent folder, never in
    /// TMPDIR (which the account may not be able to enter), and initdb runs in that folder. A failure throws with
    /// initdb's output.
    /// </summary>
    public async Task InitializeAsync(LocalPostgresInstallation installation, string password, Action<string> log, CancellationToken cancellationToken)
    {
        // The parent folder is made owner-only by the account, and refused when another account owns it or may write it.
        const string Script = """
            set -e
            umask 077
            parent="$(dirname "$1")"
            mkdir -p "$parent"
            if [ ! -O "$parent" ] || [ -n "$(find "$parent" -maxdepth 0 -perm /022)" ]; then
              echo "The folder $parent is not $(id -un)'s alone (another account owns it or may write it): give it to $(id -un) and chmod 700 it." >&2
              exit 1
            fi
            cd "$parent"
            pwfile="$(mktemp "$parent/.initdb-password.XXXXXX")"
            trap 'rm -f "$pwfile"' EXIT
            cat > "$pwfile"
            "$2" -D "$1" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --no-locale
            """;
        var start = AccountProcess.StartInfo(Account, "PostgreSQL", "/bin/sh", ["-c", Script, "initdb", Directory, installation.Initdb]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("initdb did not start.");
        var output = new List<string>();
        process.OutputDataReceived += (_, line) => Log(line.Data);
        process.ErrorDataReceived += (_, line) => Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.StandardInput.WriteAsync(password);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The script ended before it read the password; its exit code and output say why.
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            string said;
            lock (output)
            {
                said = string.Join(Environment.NewLine, output.TakeLast(20));
            }

            throw new InvalidOperationException(
                $"initdb could not make the cluster in {Directory} (exit code {process.ExitCode}):{Environment.NewLine}{said}");
        }

        void Log(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.Add(line);
                }

                log(line);
            }
        }
    }

    private static string? HomeOf(string account) =>
        File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .FirstOrDefault(fields => fields.Length > 5 && fields[0] == account)?[5];
}
