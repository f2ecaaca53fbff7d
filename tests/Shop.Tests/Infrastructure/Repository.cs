namespace Shop.Tests.Infrastructure;

/// <summary>The repository the tests run from, for the tests that read its files (the README, the .http files, the project files).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

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
