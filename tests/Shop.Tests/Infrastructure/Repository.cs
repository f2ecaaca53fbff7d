using System.Reflection;

namespace Shop.Tests.Infrastructure;

/// <summary>The repository the tests run from, for the tests that read its files (the documentation, the .http files, the project files).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration the tests were built in, and with them the projects they reference (Debug, Release).</summary>
    public static string BuildConfiguration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The folder a project of <c>src/</c> was built into along with the tests.</summary>
    public static string OutputOf(string project) =>
        Path.Combine(Root, "src", project, "bin", BuildConfiguration, $"net{Environment.Version.Major}.{Environment.Version.Minor}");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Shop.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository's root (Shop.sln) was not found.");
    }
}
