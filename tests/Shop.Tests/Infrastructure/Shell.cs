using System.Diagnostics;

namespace Shop.Tests.Infrastructure;

/// <summary>What a test runs as a person would at a shell: tools on the PATH, run from the repository's root.</summary>
public static class Shell
{
    /// <summary>What a tool wrote and how it ended.</summary>
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public string All => Output + Errors;
    }

    /// <summary>The <c>dotnet</c> on the PATH, which runs the tests.</summary>
    public static string Dotnet { get; } = Find("dotnet") ?? throw new InvalidOperationException("dotnet is not on the PATH.");

    /// <summary>Where <paramref name="tool"/> is on the PATH, or null where this machine lacks it.</summary>
    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs <paramref name="tool"/> from the repository's root with <paramref name="input"/> on its standard input, and
    /// the variables of <paramref name="environment"/> set (or, where null, removed), for three minutes at most.
    /// </summary>
    public static async Task<Result> RunAsync(
        string tool, IEnumerable<string> arguments, string? input = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(3));
        return new(process.ExitCode, await output, await errors);
    }
}
