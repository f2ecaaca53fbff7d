using System.Diagnostics;
using System.Runtime.Versioning;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The AppHost keeps its local files (the services' data, the cache's settings with its password) in folders only its
/// own account can reach, and will not use a folder another account owns or may write: whoever can, could swap them.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateFolderTests(SharedTopologyFixture shared)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task ARunningShopsDataFilesAreTheOwnersAlone()
    {
        var shop = await shared.TopologyAsync();
        // Something written: on SQLite, the services' database files, with their write-ahead logs.
        await shop.CreateCustomerAsync();

        var entries = Directory.EnumerateFileSystemEntries(shop.DataDirectory, "*", SearchOption.AllDirectories).Prepend(shop.DataDirectory).ToList();
        Assert.Contains(entries, entry => Path.GetFileName(entry) == ShopResources.Cache);
        if (TestDatabase.Provider == DataProviders.Sqlite)
        {
            Assert.Contains(entries, entry => Path.GetFileName(entry) == $"{ShopResources.UsersDatabase}.db-wal");
        }

        Assert.All(entries, entry => Assert.True((File.GetUnixFileMode(entry) & OthersAny) == 0, $"{entry} is open to other accounts."));
    }

    [Fact]
    public async Task TheDataFolderAndTheCachesFolderAreMadeOwnerOnly()
    {
        var root = Directory.CreateTempSubdirectory("shop-tests-private-");
        try
        {
            var data = Path.Combine(root.FullName, "made", "data");
            await using (await AppHostOnAsync(data))
            {
                Assert.All(new[] { Path.Combine(root.FullName, "made"), data, Path.Combine(data, ShopResources.Cache) },
                    folder => Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder)));
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(ShopResources.Cache)]
    public async Task AFolderOfAnotherAccountStopsTheAppHostNamingIt(string subfolder)
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Giving a folder to another account needs root, as CI runs.");
        var data = Directory.CreateTempSubdirectory("shop-tests-private-");
        try
        {
            // Made first by someone else: the cache's folder, say, with a settings file of their choosing in it.
            var taken = Directory.CreateDirectory(Path.Combine(data.FullName, subfolder)).FullName;
            await ChownAsync("nobody", taken);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AppHostOnAsync(data.FullName));

            Assert.Contains($"The folder {taken} (Data:Directory) belongs to another account", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ADataFolderOthersMayWriteStopsTheAppHostNamingIt()
    {
        var data = Directory.CreateTempSubdirectory("shop-tests-private-");
        try
        {
            File.SetUnixFileMode(data.FullName, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AppHostOnAsync(data.FullName));

            Assert.Contains($"The folder {data.FullName} (Data:Directory) can be written by other accounts", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The AppHost built up to its start, which is where it makes or checks its folders, on a local cache.</summary>
    private static async Task<IDistributedApplicationTestingBuilder> AppHostOnAsync(string dataDirectory) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
        [
            "Services:FixedPorts=false",
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            $"Events:Host={ShopTopology.DefaultEventsHost}",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N"))
        ], TestContext.Current.CancellationToken);

    private static async Task ChownAsync(string account, string path)
    {
        using var chown = Process.Start("chown", [account, path]);
        await chown.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, chown.ExitCode);
    }
}
