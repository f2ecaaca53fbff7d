using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Shop.Bench;
using Shop.Contracts;
using Shop.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Loads the running topology and a bare baseline with the same wrk settings, and reports both.
var duration = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10);
var provider = args.Length > 1 ? args[1] : DataProviders.Sqlite;
// The cache's host as the AppHost's Cache:Host takes it: auto (what a newcomer's machine gets), redis-server or garnet.
var cacheHost = args.Length > 2 ? args[2] : "auto";
// A pod's memory limit to start every service as it would start under it, in MiB; 0 for none. The runtime in a container
// keeps its GC heap to 75% of the limit; here the same is set as DOTNET_GCHeapHardLimit.
var memoryLimitMiB = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
const int Connections = 32;
const int BurstConnections = 8 * Connections;
const int SellOutStock = 500;
// A catalogue of a real shop's size, whose names a search finds a tenth of (one of the ten kinds of thing in each).
const int CatalogueSize = 10_000;
string[] colours = ["Blue", "Red", "Green", "Black", "White", "Yellow", "Grey", "Orange", "Purple", "Pink"];
string[] things = ["mug", "lamp", "chair", "table", "shelf", "plate", "bowl", "vase", "clock", "rug"];
// Long enough for the runtime to have compiled a scenario's hot paths fully (tiered compilation): the first
// scenario measured after 3 s ran at half the speed of the same scenario later in the run.
var warmup = TimeSpan.FromSeconds(10);
// The first load on processes that have just started: they compile all their hot code again, optimized, in the
// background, on the two cores the load keeps busy. Loaded in 10 s steps, the orders service's cached read took 498,
// 232, 184, 181 and 184 µs of CPU a request: it settles after about 20 s.
var firstWarmup = TimeSpan.FromSeconds(30);
var report = new Report(DateTimeOffset.UtcNow, Environment.ProcessorCount, Environment.OSVersion.ToString(), duration.TotalSeconds, Connections, provider)
{
    MemoryLimitMiB = memoryLimitMiB
};
string[] measuredServices = [ShopServices.Users, ShopServices.Products, ShopServices.Orders];

Console.WriteLine($"Shop benchmark: {report.Cores} cores, data on {provider}, the cache's host {cacheHost}, wrk -t2 -c{Connections} -d{duration.TotalSeconds}s per scenario");

await using (var baseline = await Baseline.StartAsync())
{
    await Wrk.RunAsync($"{Baseline.OrdersUrl}/orders/1", firstWarmup, Connections);
    report.Add(Report.Baseline, await Wrk.RunAsync($"{Baseline.OrdersUrl}/orders/1", duration, Connections));
    report.Add(Report.BaselineUsers, await Wrk.RunAsync($"{Baseline.UsersUrl}/users/1", duration, Connections));
}

// Cold start, three times on fresh data; the run goes on with the third topology.
var adminPassword = Guid.NewGuid().ToString("N");
string dataDirectory;
DistributedApplication app;
while (true)
{
    dataDirectory = Directory.CreateTempSubdirectory("shop-bench-").FullName;
    var coldStart = Stopwatch.StartNew();
    app = await StartTopologyAsync(dataDirectory);
    report.ColdStartSeconds.Add(coldStart.Elapsed.TotalSeconds);
    Console.WriteLine($"Cold start: {coldStart.Elapsed.TotalSeconds:0.0} s");
    if (report.ColdStartSeconds.Count == 3)
    {
        break;
    }

    await StopTopologyAsync(app, dataDirectory);
}

report.CacheHost = CacheHostOf(app);
var processes = measuredServices.ToDictionary(service => service, service => ProcessId(app, service));
// The kernel keeps the peak of a process's whole resident set (VmHWM), not of its private part: sampled here.
using var sampling = new CancellationTokenSource();
var sampler = SamplePrivateMemoryAsync(sampling.Token);
Console.WriteLine($"The cache runs on {report.CacheHost}");
var users = app.GetEndpoint(ShopServices.Users, "http");
var products = app.GetEndpoint(ShopServices.Products, "http");
var orders = app.GetEndpoint(ShopServices.Orders, "http");
using var http = new HttpClient();
var admin = await SignInAsync(http, users, AppHostSettings.AdminEmail, adminPassword);
var customerEmail = $"bench-{Guid.NewGuid():N}@example.com";
(await http.PostAsJsonAsync(new Uri(users, "/users"), new { name = "Bench", email = customerEmail, age = 30, password = "bench password" })).EnsureSuccessStatusCode();
var customer = await SignInAsync(http, users, customerEmail, "bench password");

// 1. An order with its user from the cache.
await Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), firstWarmup, Connections, admin);
await MeasureLoadAsync(Report.CachedRead, () => Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), duration, Connections, admin));

// The floor: what a request to a shop service costs before it does anything of its own (no token, no trace, no data),
// the health check that only says the process answers. No request a service serves can be cheaper.
await Wrk.RunAsync(new Uri(products, "/alive").ToString(), warmup, Connections);
await MeasureLoadAsync(Report.Floor, () => Wrk.RunAsync(new Uri(products, "/alive").ToString(), duration, Connections));

// 3. A user.
await Wrk.RunAsync(new Uri(users, "/users/1").ToString(), warmup, Connections, admin);
await MeasureLoadAsync("GET /users/{id}", () => Wrk.RunAsync(new Uri(users, "/users/1").ToString(), duration, Connections, admin));

// The catalogue: a product page and a page of the list, each at random across the whole catalogue, and a search for a
// kind of thing, at a random page of what it finds.
var (firstProduct, lastProduct) = await SeedCatalogueAsync();
var catalogue = new (string Name, string Path)[]
{
    (Report.ProductPage, $"\"/products/\" .. math.random({firstProduct}, {lastProduct})"),
    (Report.CataloguePage, $"\"/products?pageSize=20&pageIndex=\" .. math.random(0, {CatalogueSize / 20 - 1})"),
    (Report.CatalogueSearch, $"\"/products?pageSize=20&search=\" .. ({{{string.Join(", ", things.Select(t => $"\"{t}\""))}}})[math.random(1, {things.Length})] .. \"&pageIndex=\" .. math.random(0, {CatalogueSize / things.Length / 20 - 1})")
};
foreach (var (name, path) in catalogue)
{
    await Wrk.RunAsync(new Uri(products, "/products").ToString(), warmup, Connections, customer, path: path);
    await MeasureLoadAsync(name, () => Wrk.RunAsync(new Uri(products, "/products").ToString(), duration, Connections, customer, path: path));
}

// 4. Orders racing for one product's stock: first a stock too large to run out, for the sustained rate;
// then a small one that sells out, where nothing may be oversold.
// The first load of placing orders, whose code the earlier scenarios never ran: in 10 s steps after a fresh start, a
// topology held under it placed 435, 701, 1,282 and 1,312 orders/s, so it too settles after about 20 s.
await PlaceRacingOrdersAsync(stock: 1_000_000, firstWarmup);
var sustained = await MeasureAsync(Report.SustainedOrders, () => PlaceRacingOrdersAsync(stock: 1_000_000, duration), run => run.Load);
var sellOut = await MeasureAsync("POST /orders (selling out)", () => PlaceRacingOrdersAsync(stock: SellOutStock, TimeSpan.FromSeconds(5)), run => run.Load);
report.OrdersPerSecond = sustained.Load.CreatedPerSecond(duration);
report.OrdersAnswered201 = sustained.Load.Created;
report.OrdersStored = sustained.ConfirmedUnits;
report.SellOutConfirmedUnits = sellOut.ConfirmedUnits;
// Oversold: units confirmed beyond the stock there was. Unaccounted: confirmed units the stock does not show as taken.
report.OversoldUnits = Math.Max(0, sellOut.ConfirmedUnits - SellOutStock);
report.UnaccountedUnits = sustained.UnaccountedUnits + sellOut.UnaccountedUnits;

// 5. A burst: eight times the connections at once, for 5 s, to show what a service's memory does when many requests
// arrive together (a service must neither fail nor run out of memory).
await MeasureLoadAsync($"GET /orders/{{id}} (burst, {BurstConnections} connections)",
    () => Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), TimeSpan.FromSeconds(5), BurstConnections, admin));

// 6. Peak memory of each service so far (the burst included), read from the kernel's record of the process.
foreach (var resource in measuredServices)
{
    report.PeakRssMb[resource] = PeakRssMb(app, resource);
}

// 2. The same order with the cache gone: every lookup goes to the users service. Then the cache again, so that the
// uncached read runs between two cached ones and neither gains from coming later, on warmer processes.
// Stopped through the orchestrator, which stops a container or a process alike.
var stopped = await app.ResourceCommands.ExecuteCommandAsync(ShopResources.Cache, KnownResourceCommands.StopCommand);
if (!stopped.Success)
{
    throw new InvalidOperationException($"The cache did not stop: {stopped.Message}");
}

await app.ResourceNotifications.WaitForResourceAsync(ShopResources.Cache, [KnownResourceStates.Exited, KnownResourceStates.Finished])
    .WaitAsync(TimeSpan.FromMinutes(1));
await Task.Delay(TimeSpan.FromSeconds(2));
await Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), warmup, Connections, admin);
await MeasureLoadAsync(Report.UncachedRead, () => Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), duration, Connections, admin));
// The cold path: orders at random among the thousands placed above, few of them in the orders service's memory, each
// read from its database with its user from the users service.
var (firstOrder, lastOrder) = await OrderRangeAsync(http, orders, customer);
var coldPath = $"\"/orders/\" .. math.random({firstOrder}, {lastOrder})";
await Wrk.RunAsync(new Uri(orders, "/orders").ToString(), warmup, Connections, admin, path: coldPath);
await MeasureLoadAsync(Report.ColdRead, () => Wrk.RunAsync(new Uri(orders, "/orders").ToString(), duration, Connections, admin, path: coldPath));
var restarted = await app.ResourceCommands.ExecuteCommandAsync(ShopResources.Cache, KnownResourceCommands.StartCommand);
if (!restarted.Success)
{
    throw new InvalidOperationException($"The cache did not start again: {restarted.Message}");
}

await app.ResourceNotifications.WaitForResourceHealthyAsync(ShopResources.Cache, WaitBehavior.WaitOnResourceUnavailable);
// The orders service uses the cache again once its client has reconnected; after a call that timed out while the cache
// stopped, once Cache:RetryInterval (5 s) has passed.
await Task.Delay(TimeSpan.FromSeconds(6));
await Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), warmup, Connections, admin);
await MeasureLoadAsync(Report.CachedReadAgain, () => Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), duration, Connections, admin));

// The hit ratios: the orders service's own counts of its lookups in the cache and in its memory, read with
// dotnet-counters in a run of its own, since watching a process's counters costs it time that no measured run should pay.
var (_, lookups) = await Counters.CollectAsync(ProcessId(app, ShopServices.Orders), "Shop.Orders", ["shop.user_cache.lookups", "shop.order_cache.lookups"],
    duration, () => Wrk.RunAsync(new Uri(orders, "/orders/1").ToString(), duration, Connections, admin));
report.CacheHitRatio = HitRatio(lookups["shop.user_cache.lookups"]);
report.OrderCacheHitRatio = HitRatio(lookups["shop.order_cache.lookups"]);

await sampling.CancelAsync();
await sampler;
// A service killed for its memory, or restarted, is a process of another id now, or none.
report.ServicesRanThroughout = measuredServices.All(service =>
{
    try
    {
        return ProcessId(app, service) == processes[service];
    }
    catch (InvalidOperationException)
    {
        return false;
    }
});
report.Print();
var output = Path.Combine(Directory.GetCurrentDirectory(), "bench", "out", $"bench-{report.Date:yyyyMMdd-HHmmss}");
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(output + ".svg", Chart.Svg(report));
Console.WriteLine($"Written to {output}.json and {output}.svg");

await StopTopologyAsync(app, dataDirectory);
return 0;

async Task SamplePrivateMemoryAsync(CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        foreach (var (service, pid) in processes)
        {
            if (StatusKb(pid, "RssAnon:") is { } kb)
            {
                report.PeakPrivateMb[service] = Math.Max(report.PeakPrivateMb.GetValueOrDefault(service), kb / 1024.0);
            }
        }

        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }
    }
}

async Task<DistributedApplication> StartTopologyAsync(string directory) => await TopologyLauncher.StartAsync(provider,
[
    .. AppHostSettings.Topology(directory, adminPassword),
    $"Cache:Host={cacheHost}",
    "RateLimits:WritesPerMinute=100000000",
    "RateLimits:SignInsPerAddressPerMinute=100000000"
], TimeSpan.FromMinutes(3),
    // The AppHost's health probes log every refused connection while the services start; the run needs none of it.
    configure: builder =>
    {
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Shop.AppHost.Resources", LogLevel.None));
        if (memoryLimitMiB > 0)
        {
            var heapLimit = $"0x{memoryLimitMiB * 1024L * 1024 * 3 / 4:X}";
            foreach (var service in builder.Resources.OfType<ProjectResource>())
            {
                service.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables["DOTNET_GCHeapHardLimit"] = heapLimit));
            }
        }
    });

async Task StopTopologyAsync(DistributedApplication topology, string directory)
{
    await TopologyLauncher.StopAsync(topology, provider);
    if (TopologyLauncher.PostgresClusterOf(directory) is var cluster && Directory.Exists(cluster) && !cluster.StartsWith(directory, StringComparison.Ordinal))
    {
        Directory.Delete(cluster, recursive: true);
    }

    Directory.Delete(directory, recursive: true);
}

Task<LoadResult> MeasureLoadAsync(string name, Func<Task<LoadResult>> scenario) => MeasureAsync(name, scenario, load => load);

// Runs a scenario and records, beside its load, the CPU time each process of the topology spent per request on it.
async Task<T> MeasureAsync<T>(string name, Func<Task<T>> scenario, Func<T, LoadResult> loadOf)
{
    var before = CpuSeconds(app);
    var result = await scenario();
    var after = CpuSeconds(app);
    var load = loadOf(result);
    report.Add(name, load);
    report.CpuMicrosecondsPerRequest[name] = after.Keys.Where(before.ContainsKey)
        .ToDictionary(process => process, process => (after[process] - before[process]) * 1_000_000 / Math.Max(1, load.Requests));
    return result;
}

// Creates the catalogue, sixteen products at a time; the first and last of their ids, which lie between.
async Task<(int First, int Last)> SeedCatalogueAsync()
{
    var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
    var seeding = Stopwatch.StartNew();
    await Parallel.ForAsync(0, CatalogueSize, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
    {
        var product = await (await SendAsync(http, HttpMethod.Post, new Uri(products, "/products"), admin, new
        {
            sku = $"CAT-{i:00000}-{Guid.NewGuid():N}"[..20].ToUpperInvariant(),
            name = $"{colours[i / things.Length % colours.Length]} {things[i % things.Length]} {i:00000}",
            price = 1m + i % 100,
            currency = "EUR",
            stock = 1_000_000
        })).Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        ids.Add(product.GetProperty("id").GetInt32());
    });
    Console.WriteLine($"Catalogue of {CatalogueSize} products made in {seeding.Elapsed.TotalSeconds:0.0} s");
    return (ids.Min(), ids.Max());
}

async Task<(LoadResult Load, int ConfirmedUnits, int UnaccountedUnits)> PlaceRacingOrdersAsync(int stock, TimeSpan length)
{
    var created = await (await SendAsync(http, HttpMethod.Post, new Uri(products, "/products"), admin,
        new { sku = $"BENCH-{Guid.NewGuid():N}"[..20].ToUpperInvariant(), name = "Bench", price = 1m, currency = "EUR", stock }))
        .Content.ReadFromJsonAsync<JsonElement>();
    var productId = created.GetProperty("id").GetInt32();
    var load = await Wrk.RunAsync(new Uri(orders, "/orders").ToString(), length, Connections, customer,
        $$"""{"lines":[{"productId":{{productId}},"quantity":1}]}""");
    // Requests still in flight when wrk stopped finish on the server; count once they have.
    await Task.Delay(TimeSpan.FromSeconds(10));
    var finalStock = (await (await SendAsync(http, HttpMethod.Get, new Uri(products, $"/products/{productId}"), admin)).Content.ReadFromJsonAsync<JsonElement>())
        .GetProperty("stock").GetInt32();
    var confirmed = await ConfirmedUnitsAsync(http, orders, customer, productId);
    return (load, confirmed, confirmed - (stock - finalStock));
}

static async Task<string> SignInAsync(HttpClient http, Uri users, string email, string password)
{
    var response = await http.PostAsync(new Uri(users, ShopIdentity.TokenPath), new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "password",
        ["username"] = email,
        ["password"] = password
    }));
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
}

static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri uri, string token, object? body = null)
{
    using var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Authorization = new("Bearer", token);
    var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return response;
}

static async Task<int> ConfirmedUnitsAsync(HttpClient http, Uri orders, string token, int productId)
{
    var units = 0;
    for (var page = 0; ; page++)
    {
        var batch = await (await SendAsync(http, HttpMethod.Get, new Uri(orders, $"/orders?pageIndex={page}&pageSize=100"), token)).Content.ReadFromJsonAsync<JsonElement>();
        var items = batch.GetProperty("items").EnumerateArray().ToList();
        units += items.Where(o => o.GetProperty("status").GetString() == "Confirmed")
            .Sum(o => o.GetProperty("lines").EnumerateArray()
                .Where(l => l.GetProperty("productId").GetInt32() == productId)
                .Sum(l => l.GetProperty("quantity").GetInt32()));
        if (items.Count < 100)
        {
            return units;
        }
    }
}

// The first and last of a person's orders, by id.
static async Task<(int First, int Last)> OrderRangeAsync(HttpClient http, Uri orders, string token)
{
    async Task<JsonElement> PageAsync(int index) =>
        await (await SendAsync(http, HttpMethod.Get, new Uri(orders, $"/orders?pageIndex={index}&pageSize=1"), token)).Content.ReadFromJsonAsync<JsonElement>();
    var first = await PageAsync(0);
    var last = await PageAsync(first.GetProperty("totalCount").GetInt32() - 1);
    return (first.GetProperty("items")[0].GetProperty("id").GetInt32(), last.GetProperty("items")[0].GetProperty("id").GetInt32());
}

// The cache's host, from its process's command line: Garnet (a .NET program), redis-server, or a container.
static string CacheHostOf(DistributedApplication app)
{
    try
    {
        var commandLine = File.ReadAllText($"/proc/{ProcessId(app, ShopResources.Cache)}/cmdline");
        return commandLine.Contains("garnet", StringComparison.OrdinalIgnoreCase) ? "Garnet"
            : commandLine.Contains("redis-server", StringComparison.Ordinal) ? "redis-server"
            : commandLine.Split('\0')[0];
    }
    catch (InvalidOperationException)
    {
        return "a container";
    }
}

// The process of a running resource; InvalidOperationException when it is not running.
static int ProcessId(DistributedApplication app, string resource)
{
    if (!app.ResourceNotifications.TryGetCurrentState(resource, out var state) || state.Snapshot.State?.Text != KnownResourceStates.Running)
    {
        throw new InvalidOperationException($"{resource} is not running.");
    }

    // A container has no process of this machine's to read.
    var pid = Convert.ToInt32(state.Snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value
        ?? throw new InvalidOperationException($"{resource} is not a process of this machine."), CultureInfo.InvariantCulture);
    // Where the AppHost falls back to `dotnet run` (no built assembly), the service is the child of the process it starts.
    var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return children.Length > 0 ? int.Parse(children[0], CultureInfo.InvariantCulture) : pid;
}

static double PeakRssMb(DistributedApplication app, string resource) =>
    (StatusKb(ProcessId(app, resource), "VmHWM:") ?? throw new InvalidOperationException($"{resource} has ended.")) / 1024.0;

// A figure of /proc/<pid>/status in kB, such as VmHWM or RssAnon; null once the process has ended.
static long? StatusKb(int pid, string field)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return null;
    }
}

// The user and system CPU time of each running process of the topology so far, in seconds (from /proc/<pid>/stat).
static Dictionary<string, double> CpuSeconds(DistributedApplication app)
{
    const double TicksPerSecond = 100;
    var seconds = new Dictionary<string, double>();
    foreach (var resource in new[] { ShopServices.Orders, ShopServices.Users, ShopServices.Products, ShopResources.Cache })
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{ProcessId(app, resource)}/stat");
            // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            seconds[resource] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            // Not running now (the cache, while stopped).
        }
    }

    return seconds;
}

// The share of lookups counted with result=hit.
static double HitRatio(IReadOnlyDictionary<string, double> lookups) => lookups.GetValueOrDefault("result=hit") / Math.Max(1, lookups.Values.Sum());
