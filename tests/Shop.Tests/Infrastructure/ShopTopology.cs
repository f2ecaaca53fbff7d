using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Shop.AppHost;
using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>One process of a service run as several replicas: its instance name, process id and own address.</summary>
public sealed record Replica(string Id, int ProcessId, Uri Address);

/// <summary>Clients of each replica of a service, taken in turn: request <c>i</c> goes to replica <c>i</c> mod their count.</summary>
public sealed class ReplicaClients(IReadOnlyList<HttpClient> clients) : IDisposable
{
    public HttpClient this[int request] => clients[request % clients.Count];

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}

/// <summary>
/// The whole Shop topology, started from the AppHost on fresh databases in a temporary folder that is
/// removed afterwards, so that tests never touch a developer's data.
/// </summary>
public sealed class ShopTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DistributedApplication _app;
    private readonly string? _ownedDataDirectory;
    private readonly ConcurrentDictionary<int, ShopSession> _customers = new();
    private readonly ServiceLogs _logs;
    private readonly IReadOnlyList<string> _givenSecrets;
    private IConnectionMultiplexer? _cache;

    private ShopTopology(DistributedApplication app, string dataDirectory, string? ownedDataDirectory, ServiceLogs logs, IReadOnlyList<string> givenSecrets)
    {
        _app = app;
        _logs = logs;
        _givenSecrets = givenSecrets;
        DataDirectory = dataDirectory;
        _ownedDataDirectory = ownedDataDirectory;
        Anonymous = new ShopSession(name => app.CreateHttpClient(name), null);
    }

    /// <summary>The administrator (<see cref="AppHostSettings.AdminEmail"/>), signed in.</summary>
    public ShopSession Admin { get; private set; } = null!;

    /// <summary>The orders service's own identity (client credentials), as it calls the other services.</summary>
    public ShopSession Service { get; private set; } = null!;

    /// <summary>Nobody: requests without a token.</summary>
    public ShopSession Anonymous { get; }

    /// <summary>Everything the cache and the three services wrote to their consoles so far.</summary>
    public string ServiceLogText => _logs.Text;

    /// <summary>The folder of the services' data, which a restart on the same data is given.</summary>
    public string DataDirectory { get; }

    /// <summary>The services' data provider: <see cref="TestDatabase.Provider"/>.</summary>
    public string Provider => TestDatabase.Provider;

    /// <summary>A service's database, e.g. <c>ordersdb</c>, for tests that play a crash by writing to it.</summary>
    public async Task<DatabaseBackdoor> DatabaseAsync(string database) => Provider == DataProviders.Postgres
        ? new(Provider, await _app.GetConnectionStringAsync(database) ?? throw new InvalidOperationException($"{database} has no connection string."))
        : DatabaseBackdoor.SqliteFile(Path.Combine(DataDirectory, database + ".db"));

    /// <summary>The session of a customer registered by <see cref="ShopApi.CreateCustomerAsync"/>.</summary>
    public ShopSession Customer(int userId) => _customers[userId];

    internal void Remember(int userId, ShopSession session) => _customers[userId] = session;

    /// <summary>Clients of the three services that carry <paramref name="accessToken"/>.</summary>
    public ShopSession SessionWith(string? accessToken) => new(name => _app.CreateHttpClient(name), accessToken);

    /// <summary>The base address of a service, as a client outside the topology reaches it.</summary>
    public Uri AddressOf(string resource) => _app.GetEndpoint(resource, "http");

    /// <summary>Signs in with the password grant; the response is the caller's to check.</summary>
    public Task<HttpResponseMessage> RequestTokenAsync(string email, string password) => RequestTokenAsync(Anonymous.Users, email, password);

    /// <summary>Signs in with the password grant at <paramref name="users"/>, e.g. one replica; the response is the caller's to check.</summary>
    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient users, string email, string password) =>
        users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password
        }), TestContext.Current.CancellationToken);

    public Task<string> SignInAsync(string email, string password) => SignInAsync(Anonymous.Users, email, password);

    /// <summary>Signs in at <paramref name="users"/> and answers the access token.</summary>
    public static async Task<string> SignInAsync(HttpClient users, string email, string password)
    {
        var response = await RequestTokenAsync(users, email, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Signing in as {email} failed: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Where a test topology runs its cache unless a test says otherwise: a process of its own on this machine
    /// (redis-server where it is installed, else Garnet), never a container, even where a container runtime answers.
    /// The fault tests stop and freeze the cache's own process, and each topology needs a cache of its own. A
    /// PostgreSQL server is likewise a local process with a cluster of the topology's own (<c>Data:PostgresHost=local</c>).
    /// </summary>
    public static string LocalCacheHost { get; } = MachineProbe.FindOnPath("redis-server") is null ? "garnet" : "redis-server";

    /// <summary>The admin's password in this topology, for a test that signs in as a person would.</summary>
    public string AdminPassword => _givenSecrets[0];

    /// <summary>
    /// Starts the topology with the cache on <paramref name="cacheHost"/>, on fresh data unless
    /// <paramref name="dataDirectory"/> is given, with more AppHost <paramref name="settings"/> such as
    /// <c>Reservations:HoldTimeout=00:00:02</c>, and the AppHost's resources changed by <paramref name="configure"/>.
    /// </summary>
    public static async Task<ShopTopology> StartAsync(string? cacheHost = null, string? dataDirectory = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null, params string[] settings)
    {
        var ownedDataDirectory = dataDirectory is null ? Directory.CreateTempSubdirectory("shop-tests-").FullName : null;
        try
        {
            var directory = dataDirectory ?? ownedDataDirectory!;
            // The admin is seeded, and a PostgreSQL cluster made, once per data folder: a restart on the same folder
            // needs the same passwords.
            var adminPassword = SecretOf("admin", directory);
            var postgresPassword = SecretOf(ShopResources.Postgres, directory);
            var ordersClientSecret = Guid.NewGuid().ToString("N");
            ServiceLogs? logs = null;
            var app = await WithServiceLogsOnFailureAsync(() => TopologyLauncher.StartAsync(TestDatabase.Provider,
            [
                $"Cache:Host={cacheHost ?? LocalCacheHost}",
                .. TestDatabase.Provider == DataProviders.Postgres ? ["Data:PostgresHost=local"] : Array.Empty<string>(),
                .. AppHostSettings.Topology(directory, adminPassword, ordersClientSecret),
                $"Parameters:{ShopResources.Postgres}-password={postgresPassword}",
                // The tests write and sign in far faster than a person; the per-account sign-in limit stays as it is.
                "RateLimits:WritesPerMinute=1000000",
                "RateLimits:SignInsPerAddressPerMinute=1000000",
                // A busy test machine must not pass for a slow cache or a service that is away; the outage tests
                // set their own timeouts, as a deployment would have them.
                "Cache:Timeout=00:00:05",
                "ServiceCalls:AttemptTimeout=00:00:30",
                "ServiceCalls:TotalTimeout=00:01:30",
                .. settings
            ], StartTimeout, configure, built: built => logs = new ServiceLogs(built)), () => logs);

            var topology = new ShopTopology(app, directory, ownedDataDirectory, logs!,
                TestDatabase.Provider == DataProviders.Postgres ? [adminPassword, ordersClientSecret, postgresPassword] : [adminPassword, ordersClientSecret]);
            topology.Admin = topology.SessionWith(await topology.SignInAsync(AppHostSettings.AdminEmail, adminPassword));
            topology.Service = topology.SessionWith(await topology.ClientCredentialsTokenAsync(ordersClientSecret));
            // A service answers before it has reached the cache (its health says Degraded until then), and a lookup
            // meanwhile goes without the cache: the tests start once the services that use it have reached it.
            foreach (var service in new[] { ShopServices.Users, ShopServices.Orders })
            {
                await Eventually.HoldsAsync(async () => await topology.HealthOfAsync(service) == "Healthy",
                    $"The {service} service did not reach the cache.", StartTimeout);
            }

            return topology;
        }
        catch when (ownedDataDirectory is not null)
        {
            RemoveData(ownedDataDirectory);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/>; when a resource fails to start or turn healthy, the failure carries the last lines
    /// the services wrote, which are lost with the topology otherwise.
    /// </summary>
    private static async Task<DistributedApplication> WithServiceLogsOnFailureAsync(Func<Task<DistributedApplication>> start, Func<ServiceLogs?> logs)
    {
        try
        {
            return await start();
        }
        catch (Exception exception) when (exception is DistributedApplicationException or TimeoutException && logs() is { } written)
        {
            using (written)
            {
                var text = written.Text;
                throw new InvalidOperationException(
                    $"{exception.Message} The services' last lines:\n{text[Math.Max(0, text.Length - 8000)..]}", exception);
            }
        }
    }

    private static string SecretOf(string name, string dataDirectory) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}:{dataDirectory}")));

    /// <summary>Removes a data folder the tests made, and the PostgreSQL cluster made for it wherever that lies.</summary>
    public static void RemoveData(string dataDirectory)
    {
        var cluster = TopologyLauncher.PostgresClusterOf(dataDirectory);
        if (!cluster.StartsWith(dataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Directory.Exists(cluster))
        {
            Directory.Delete(cluster, recursive: true);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    /// <summary>Stops a resource the way an orchestrator does, with SIGTERM to its process, and waits until Aspire sees it stopped.</summary>
    public async Task StopResourceAsync(string resource)
    {
        await SignalAsync(resource, "-TERM");
        await WaitUntilStoppedAsync(resource);
    }

    /// <summary>
    /// Stops the PostgreSQL server with a fast shutdown (SIGINT), which ends every connection at once, as a restart of a
    /// managed server does; its smart shutdown (SIGTERM) would wait for the services' pooled connections to close.
    /// </summary>
    public async Task StopDatabaseServerAsync()
    {
        await SignalAsync(ShopResources.Postgres, "-INT");
        await WaitUntilStoppedAsync(ShopResources.Postgres);
    }

    /// <summary>Kills a resource's process outright (SIGKILL), as a crash would, and waits until Aspire sees it stopped.</summary>
    public async Task KillResourceAsync(string resource)
    {
        await SignalAsync(resource, "-KILL");
        await WaitUntilStoppedAsync(resource);
    }

    /// <summary>Freezes a resource's process (SIGSTOP): it keeps its connections open but answers nothing, like a server that hangs.</summary>
    public Task FreezeResourceAsync(string resource) => SignalAsync(resource, "-STOP");

    /// <summary>Lets a frozen resource's process go on (SIGCONT).</summary>
    public Task ThawResourceAsync(string resource) => SignalAsync(resource, "-CONT");

    /// <summary>Sends a signal to the resource's own process: the service itself, which the AppHost starts without <c>dotnet run</c>.</summary>
    private async Task SignalAsync(string resource, string signal) => await RunAsync("kill", signal, await ProcessIdOfAsync(resource));

    private async Task<string> ProcessIdOfAsync(string resource)
    {
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running).WaitAsync(StartTimeout);
        return Convert.ToString(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture)!;
    }

    private Task WaitUntilStoppedAsync(string resource) =>
        _app.ResourceNotifications.WaitForResourceAsync(resource, [KnownResourceStates.Exited, KnownResourceStates.Finished]).WaitAsync(StartTimeout);

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(tool, arguments);
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>The running processes of a service that has several (<c>Services:Replicas</c>), each at its own address.</summary>
    public async Task<IReadOnlyList<Replica>> ReplicasAsync(string resource)
    {
        var replicas = new List<Replica>();
        foreach (var (id, processId) in ResourceWatch.Of(_app).Running(resource))
        {
            replicas.Add(new(id, processId, await AddressOfProcessAsync(processId)));
        }

        return replicas;
    }

    /// <summary>Clients of every replica of <paramref name="resource"/>, carrying <paramref name="accessToken"/> when given.</summary>
    public async Task<ReplicaClients> ReplicaClientsAsync(string resource, string? accessToken = null) =>
        new([.. (await ReplicasAsync(resource)).Select(replica => ClientOf(replica, accessToken))]);

    /// <summary>A client of one replica, past the orchestrator's proxy, carrying <paramref name="accessToken"/> when given.</summary>
    public static HttpClient ClientOf(Replica replica, string? accessToken = null) => ClientOf(replica.Address, accessToken);

    /// <summary>A client of a service at <paramref name="address"/>, carrying <paramref name="accessToken"/> when given.</summary>
    public static HttpClient ClientOf(Uri address, string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = address };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>Stops one replica the way an orchestrator does, with SIGTERM, and waits until Aspire sees it gone.</summary>
    public Task StopReplicaAsync(string resource, Replica replica) => SignalReplicaAsync(resource, replica, "-TERM");

    /// <summary>Kills one replica outright (SIGKILL), as a crash of its machine would, and waits until Aspire sees it gone.</summary>
    public Task KillReplicaAsync(string resource, Replica replica) => SignalReplicaAsync(resource, replica, "-KILL");

    private async Task SignalReplicaAsync(string resource, Replica replica, string signal)
    {
        await RunAsync("kill", signal, replica.ProcessId.ToString(CultureInfo.InvariantCulture));
        await Eventually.HoldsAsync(() => Task.FromResult(ResourceWatch.Of(_app).Running(resource).All(r => r.Id != replica.Id)),
            $"{replica.Id} still runs.");
    }

    /// <summary>
    /// Starts a stopped replica again with the dashboard's Start command, and waits until every replica, the new process
    /// among them, answers its own /health.
    /// </summary>
    public async Task StartReplicaAsync(string resource, Replica replica, int replicas)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(replica.Id, KnownResourceCommands.StartCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        await Eventually.HoldsAsync(async () =>
        {
            var running = await ReplicasAsync(resource);
            if (running.Count != replicas || running.Any(r => r.ProcessId == replica.ProcessId))
            {
                return false;
            }

            foreach (var instance in running)
            {
                using var client = ClientOf(instance);
                if (await HealthOfAsync(client) is null)
                {
                    return false;
                }
            }

            return true;
        }, $"{replica.Id} did not start again.", StartTimeout);
    }

    /// <summary>Where a service's process listens: the address the AppHost gave it (<c>ASPNETCORE_URLS</c>), behind the proxy.</summary>
    private static async Task<Uri> AddressOfProcessAsync(int processId)
    {
        const string Variable = "ASPNETCORE_URLS=";
        var environment = (await File.ReadAllTextAsync($"/proc/{processId}/environ", TestContext.Current.CancellationToken)).Split('\0');
        var urls = environment.Single(v => v.StartsWith(Variable, StringComparison.Ordinal))[Variable.Length..];
        return new Uri(urls.Split(';')[0]);
    }

    /// <summary>
    /// GET /health of the service <paramref name="client"/> calls: Healthy or Degraded, or null while it does not answer
    /// or is Unhealthy.
    /// </summary>
    public static async Task<string?> HealthOfAsync(HttpClient client)
    {
        try
        {
            var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>GET /health of a service, as text: Healthy, Degraded or Unhealthy.</summary>
    public async Task<string> HealthOfAsync(string resource)
    {
        using var client = _app.CreateHttpClient(resource);
        return await client.GetStringAsync("/health", TestContext.Current.CancellationToken);
    }

    /// <summary>Starts a stopped resource with the dashboard's Start command, and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        // Right after the command the resource may still show its old state (Exited), which the default wait takes as a failure.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable).WaitAsync(StartTimeout);
    }

    /// <summary>The secrets of this topology: the admin's password, the orders service's client secret, the database's password when there is one, and the cache's password.</summary>
    public async Task<IReadOnlyList<string>> SecretsAsync()
    {
        var cache = ConfigurationOptions.Parse(await _app.GetConnectionStringAsync(ShopResources.Cache)
            ?? throw new InvalidOperationException("The cache has no connection string."));
        return [.. _givenSecrets, cache.Password ?? throw new InvalidOperationException("The cache has no password.")];
    }

    /// <summary>The command lines of a resource's process and of the processes it started, as `ps` shows them to every user.</summary>
    public async Task<IReadOnlyList<string>> CommandLinesOfAsync(string resource)
    {
        var pid = int.Parse(await ProcessIdOfAsync(resource), CultureInfo.InvariantCulture);
        var lines = new List<string>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var process))
        {
            try
            {
                lines.Add((await File.ReadAllTextAsync($"/proc/{process}/cmdline", TestContext.Current.CancellationToken)).Replace('\0', ' '));
                foreach (var task in Directory.EnumerateDirectories($"/proc/{process}/task"))
                {
                    foreach (var child in (await File.ReadAllTextAsync(Path.Combine(task, "children"), TestContext.Current.CancellationToken))
                        .Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        pending.Enqueue(int.Parse(child, CultureInfo.InvariantCulture));
                    }
                }
            }
            catch (Exception exception) when (exception is DirectoryNotFoundException or FileNotFoundException)
            {
                // A worker that ended while it was read, as PostgreSQL's come and go; it shows nothing any more.
            }
        }

        return lines;
    }

    /// <summary>A client of the cache, on the connection string the services get.</summary>
    public async Task<IDatabase> CacheAsync()
    {
        _cache ??= await ConnectionMultiplexer.ConnectAsync(
            await _app.GetConnectionStringAsync(ShopResources.Cache) ?? throw new InvalidOperationException("The cache has no connection string."));
        return _cache.GetDatabase();
    }

    private async Task<string> ClientCredentialsTokenAsync(string secret)
    {
        var response = await Anonymous.Users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ShopServices.Orders,
            ["client_secret"] = secret,
            ["scope"] = string.Join(' ', ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead)
        }), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The orders client could not get a token: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Admin?.Dispose();
        Service?.Dispose();
        foreach (var session in _customers.Values)
        {
            session.Dispose();
        }

        _logs.Dispose();
        if (_cache is not null)
        {
            await _cache.DisposeAsync();
        }

        await TopologyLauncher.StopAsync(_app, Provider);
        if (_ownedDataDirectory is not null)
        {
            RemoveData(_ownedDataDirectory);
        }
    }
}
