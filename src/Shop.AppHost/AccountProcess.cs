using System.Diagnostics;

namespace Shop.AppHost;

/// <summary>
/// Runs a local server's programs as its own account when the AppHost runs as root (PostgreSQL and RabbitMQ refuse or
/// misbehave as root), through <c>setpriv</c>; as the AppHost's user otherwise (<c>account</c> null).
/// </summary>
internal static class AccountProcess
{
    /// <summary>The command and arguments that run <paramref name="program"/> as <paramref name="account"/>.</summary>
    public static (string Command, IReadOnlyList<string> Arguments) As(string? account, string server, string program, IReadOnlyList<string> arguments) =>
        account is null
            ? (program, arguments)
            : (MachineProbe.FindOnPath("setpriv") ?? throw new InvalidOperationException($"setpriv (util-linux) is needed to run {server} as another account."),
               [$"--reuid={account}", $"--regid={account}", "--init-groups", "--", program, .. arguments]);

    /// <summary>
    /// How to start <paramref name="program"/> as <paramref name="account"/> with its input and output redirected, in a
    /// folder every account may enter (the caller's may be closed to the account) and without the caller's TMPDIR, which
    /// the account may not be able to enter either.
    /// </summary>
    public static ProcessStartInfo StartInfo(string? account, string server, string program, IReadOnlyList<string> arguments)
    {
        var (command, asAccount) = As(account, server, program, arguments);
        var start = new ProcessStartInfo(command, asAccount)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/"
        };
        start.Environment.Remove("TMPDIR");
        return start;
    }
}
