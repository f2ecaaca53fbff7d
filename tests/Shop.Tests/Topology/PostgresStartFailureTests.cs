using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shop.AppHost.Postgres;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// When the local PostgreSQL cannot be made or started, the AppHost says why on its console, with PostgreSQL's own
/// words, and stops, instead of waiting without a word for a server that will never answer.
/// </summary>
public sealed class PostgresStartFailureTests
{
    private const string NeedsPostgres = "This needs an installed PostgreSQL; it runs in the PostgreSQL run (SHOP_TEST_DATABASE=postgres).";
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task OnPostgresAClusterFolderInitdbCannotUseStopsTheAppHostWithInitdbsWords()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres, NeedsPostgres);
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-initdb-").FullName;
        try
        {
            // Something left in the folder where the cluster is to be made: initdb makes clusters in empty folders only.
            var cluster = Directory.CreateDirectory(TopologyLauncher.PostgresClusterOf(dataDirectory)).FullName;
            await File.WriteAllTextAsync(Path.Combine(cluster, "left-behind"), "", TestContext.Current.CancellationToken);

            await AssertTheAppHostStopsSayingAsync(dataDirectory, "initdb could not make the cluster", $"directory \"{cluster}\" exists but is not empty");
        }
        finally
        {
            ShopTopology.RemoveData(dataDirectory);
        }
    }

    [Fact]
    public async Task OnPostgresAServerThatEndsAtOnceStopsTheAppHostWithTheServersWords()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres, NeedsPostgres);
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-broken-cluster-").FullName;
        try
        {
            // A cluster that says it was made by a PostgreSQL this one cannot read: the server ends as soon as it starts.
            var cluster = LocalPostgresCluster.For(dataDirectory);
            await cluster.InitializeAsync(LocalPostgresInstallation.Find()!, Guid.NewGuid().ToString("N"), _ => { }, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(cluster.Directory, "PG_VERSION"), "9\n", TestContext.Current.CancellationToken);

            await AssertTheAppHostStopsSayingAsync(dataDirectory, "the server ended with exit code 1", "database files are incompatible with server");
        }
        finally
        {
            ShopTopology.RemoveData(dataDirectory);
        }
    }

    /// <summary>Starts the AppHost on PostgreSQL (local) and <paramref name="dataDirectory"/>, and sees it log <paramref name="words"/> and stop, within a minute.</summary>
    private static async Task AssertTheAppHostStopsSayingAsync(string dataDirectory, params string[] words)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
        [
            "Services:FixedPorts=false",
            $"{DataProviders.Setting}={DataProviders.Postgres}",
            "Data:PostgresHost=local",
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            $"Events:Host={ShopTopology.DefaultEventsHost}",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N")),
            $"Parameters:{ShopResources.Postgres}-password={Guid.NewGuid():N}"
        ]);
        // The AppHost's own log, which is what its console shows.
        builder.Services.AddLogging(logging => logging.AddFakeLogging());
        var app = await builder.BuildAsync().WaitAsync(Within, TestContext.Current.CancellationToken);
        try
        {
            var stopping = new TaskCompletionSource();
            app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
            var logs = app.Services.GetFakeLogCollector();
            // It does not start: it stops on its own before it has.
            _ = app.StartAsync(TestContext.Current.CancellationToken);

            await Eventually.HoldsAsync(() => Task.FromResult(logs.GetSnapshot().Any(record =>
                    record.Level == LogLevel.Critical && words.All(word => record.Message.Contains(word, StringComparison.Ordinal)))),
                $"The AppHost did not say, within a minute, that PostgreSQL failed: {string.Join(" / ", words)}", within: Within);
            await stopping.Task.WaitAsync(Within, TestContext.Current.CancellationToken);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
