using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Shop.AppHost.Events;

/// <summary>
/// The shop's own RabbitMQ node on this machine: its folder (the node's data, its settings, the Erlang cookie in its
/// home), its name and the account it runs as. The broker has no reason to run as root: an AppHost run as root runs it as
/// the <c>rabbitmq</c> account (which Debian's package creates), in a folder in that account's home, since the account
/// may not be able to reach the data folder; otherwise it runs as the user, in a folder in the data folder. One node a
/// data folder, so that two AppHosts on two data folders never share one.
/// </summary>
internal sealed record LocalBrokerNode(string Directory, string? Account, string Name)
{
    /// <summary>The user the AppHost makes on a new node, as Aspire's RabbitMQ container has it, so that connection strings are alike.</summary>
    public const string UserName = "guest";

    public static LocalBrokerNode For(string dataDirectory)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        // The host part is where the node's port mapper is asked for it: the loopback, never the machine's network name.
        var name = $"shop-{id}@localhost";
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return new(Path.Combine(dataDirectory, ShopResources.Events), null, name);
        }

        var home = HomeOf(LocalRabbitMqInstallation.ServiceAccount) ?? throw new InvalidOperationException(
            $"The broker does not run as root, and there is no '{LocalRabbitMqInstallation.ServiceAccount}' account to run it as: run the " +
            "AppHost as an ordinary user, or install RabbitMQ from your distribution's package, which creates the account.");
        return new(Path.Combine(home, "shop", id), LocalRabbitMqInstallation.ServiceAccount, name);
    }

    /// <summary>The node's data: its queues and the messages in them, kept across runs.</summary>
    public string Mnesia => Path.Combine(Directory, "mnesia");

    public string Logs => Path.Combine(Directory, "log");

    /// <summary>The node's settings (rabbitmq.conf): the user a new node makes, with its password; readable by the account alone.</summary>
    public string ConfigFile => Path.Combine(Directory, "rabbitmq.conf");

    /// <summary>Never written: named so that the machine's /etc/rabbitmq/advanced.config is not read.</summary>
    public string AdvancedConfigFile => Path.Combine(Directory, "advanced.config");

    /// <summary>Empty: named so that the machine's /etc/rabbitmq/rabbitmq-env.conf is not read.</summary>
    public string EnvironmentFile => Path.Combine(Directory, "rabbitmq-env.conf");

    /// <summary>No plugins: the broker serves AMQP and nothing else.</summary>
    public string PluginsFile => Path.Combine(Directory, "enabled_plugins");

    /// <summary>Starts <paramref name="program"/> as the node's account: through setpriv, which becomes it and then runs the program in its place.</summary>
    public (string Command, IReadOnlyList<string> Arguments) AsAccount(string program, params IReadOnlyList<string> arguments) =>
        AccountProcess.As(Account, "RabbitMQ", program, arguments);

    /// <summary>
    /// Makes the node's folder and writes its settings as the account, with the user <paramref name="user"/> and
    /// <paramref name="password"/>, which reach the script on its standard input, never its command line. RabbitMQ makes
    /// that user only on a new node; a node made with other credentials (the password parameter changed) would refuse
    /// the new ones, so its data is dropped and the node made anew: answers true then. Like initdb's, it depends on
    /// nothing of the caller's (no TMPDIR), and a failure throws with the script's output.
    /// </summary>
    public async Task<bool> PrepareAsync(string user, string password, CancellationToken cancellationToken)
    {
        // The folders are made owner-only by the account, and refused when another account owns them or may write them.
        // The credentials' digest tells whether the node's data was made with them; printf is the shell's own, so the
        // password appears on no command line.
        const string Script = """
            set -e
            umask 077
            node="$1"
            mkdir -p "$node"
            for folder in "$(dirname "$node")" "$node"; do
              if [ ! -O "$folder" ] || [ -n "$(find "$folder" -maxdepth 0 -perm /022)" ]; then
                echo "The folder $folder is not $(id -un)'s alone (another account owns it or may write it): give it to $(id -un) and chmod 700 it." >&2
                exit 1
              fi
            done
            cd "$node"
            IFS= read -r user
            IFS= read -r password
            digest="$(printf '%s:%s' "$user" "$password" | sha256sum | cut -d ' ' -f 1)"
            if [ -d mnesia ] && [ "$(cat credentials.sha256 2>/dev/null)" != "$digest" ]; then
              rm -rf mnesia
              echo "made anew"
            fi
            printf '[].\n' > enabled_plugins
            : > rabbitmq-env.conf
            printf 'default_user = %s\ndefault_pass = %s\n' "$user" "$password" > rabbitmq.conf.new
            mv rabbitmq.conf.new rabbitmq.conf
            printf '%s\n' "$digest" > credentials.sha256
            """;
        var start = AccountProcess.StartInfo(Account, "RabbitMQ", "/bin/sh", ["-c", Script, "prepare", Directory]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The node's folder could not be prepared: sh did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync($"{user}\n{password}\n");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The script ended before it read the credentials; its exit code and output say why.
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The broker's folder {Directory} could not be prepared (exit code {process.ExitCode}): {(await errors).Trim()}");
        }

        return (await output).Contains("made anew", StringComparison.Ordinal);
    }

    /// <summary>An account's home folder, from /etc/passwd; null when there is no such account.</summary>
    public static string? HomeOf(string account) =>
        File.Exists("/etc/passwd")
            ? File.ReadLines("/etc/passwd")
                .Select(line => line.Split(':'))
                .FirstOrDefault(fields => fields.Length > 5 && fields[0] == account)?[5]
            : null;
}
