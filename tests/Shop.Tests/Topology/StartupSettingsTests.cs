using Aspire.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// What a user meets when a database or replica setting is wrong, or the PostgreSQL server cannot be reached: the
/// AppHost refuses at once, saying which setting is wrong without showing its value, or the databases turn unhealthy and
/// the services say which one they wait for. Never a hang, never SQLite instead. No server is needed for either.
/// </summary>
public sealed class StartupSettingsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Password = "a-password-that-must-not-show";

    public static TheoryData<string, string[], string> RefusedSettings() => new()
    {
        { "mysql", [], "Data:Provider" },
        { DataProviders.Postgres, ["Data:PostgresHost=cloud"], "Data:PostgresHost" },
        { DataProviders.Postgres, ["Data:PostgresHost=external"], "ConnectionStrings:postgres is not set" },
        { DataProviders.Postgres, [$"ConnectionStrings:postgres=Host=localhost;Password={Password};Colour=blue"], "ConnectionStrings:postgres is not a PostgreSQL connection string" },
        { DataProviders.Postgres, [$"ConnectionStrings:postgres=Password={Password}"], "ConnectionStrings:postgres names no Host" },
        { DataProviders.Sqlite, ["Services:Replicas=2"], "Services:Replicas is 2, but the data is in SQLite files" },
        { DataProviders.Sqlite, ["Services:Replicas=0"], "Services:Replicas is 0; it must be 1 or more" },
        { DataProviders.Sqlite, [$"Services:{ShopServices.Orders}:Replicas=3"], $"Services:{ShopServices.Orders}:Replicas is 3, but the data is in SQLite files" },
        { DataProviders.Sqlite, ["Services:Replicas=2", $"Services:{ShopServices.Users}:Replicas=1"], "Services:Replicas is 2, but the data is in SQLite files" },
        { DataProviders.Sqlite, ["Services:order:Replicas=1"],
            $"Services:order:Replicas names no service of the shop; the services are {string.Join(", ", ShopServices.All.Append(ShopServices.Web))}" }
    };

    /// <summary>
    /// On a data folder of the test's own, and stopped again if it started: an AppHost that failed to refuse must neither
    /// write to the default data folder nor outlive the test.
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task AWrongSettingStopsTheAppHostNamingItButNotItsSecret(string provider, string[] settings, string message)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-refused-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                var started = await TopologyLauncher.StartAsync(provider, [.. AppHostSettings.Topology(dataDirectory, Password), .. settings], Timeout);
                await TopologyLauncher.StopAsync(started, provider);
            });

            Assert.Contains(message, exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, exception.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnreachableExternalServerTurnsTheDatabasesUnhealthyAndTheServicesSayWhichTheyWaitFor()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-external-").FullName;
        var app = await TopologyLauncher.StartAsync(DataProviders.Postgres,
        [
            $"ConnectionStrings:postgres=Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Password={Password}",
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            $"Events:Host={ShopTopology.DefaultEventsHost}",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"))
        ], Timeout, healthy: [ShopResources.Cache]);
        using var logs = new ServiceLogs(app);
        try
        {
            foreach (var database in ShopResources.Databases)
            {
                await app.ResourceNotifications.WaitForResourceAsync(database, e => e.Snapshot.HealthStatus == HealthStatus.Unhealthy,
                    TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            }

            await Eventually.HoldsAsync(() => Task.FromResult(ShopResources.Databases.All(database =>
                    logs.Text.Contains($"The database {database} cannot be reached", StringComparison.Ordinal))),
                "The services did not say which database they wait for.");
            Assert.DoesNotContain(Password, logs.Text, StringComparison.Ordinal);
        }
        finally
        {
            await TopologyLauncher.StopAsync(app, DataProviders.Postgres);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
