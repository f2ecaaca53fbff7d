using System.ComponentModel;
using System.Diagnostics;

namespace Shop.AppHost;

/// <summary>What this machine can run, for the resources whose host is chosen with <c>auto</c>.</summary>
internal static class MachineProbe
{
    private static readonly string[] ContainerRuntimes = ["docker", "podman"];

    private static readonly Lazy<string?> AnsweringRuntime = new(() => ContainerRuntimes.FirstOrDefault(RuntimeAnswers));

    /// <summary>The first container runtime whose <c>info</c> succeeds, or null; asked once per AppHost.</summary>
    public static string? ContainerRuntime => AnsweringRuntime.Value;

    public static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);

    private static bool RuntimeAnswers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false
            });
            if (process is null)
            {
                return false;
            }

            // Drain the output so a chatty runtime cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // The runtime's client is not installed.
            return false;
        }
    }
}
