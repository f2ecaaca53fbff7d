using System.Text.Json.Serialization;

namespace Shop.Bench;

/// <summary>Every figure of one run, printed as tables and written as JSON.</summary>
internal sealed class Report(DateTimeOffset date, int cores, string os, double secondsPerScenario, int connections, string provider)
{
    public const string Baseline = "baseline GET /orders/{id}";
    public const string BaselineUsers = "baseline GET /users/{id}";
    public const string Floor = "GET /alive (products: no token, trace or data)";
    public const string ProductPage = "GET /products/{id} (any)";
    public const string CataloguePage = "GET /products (any page of 20)";
    public const string CatalogueSearch = "GET /products?search= (any page)";
    public const string ColdRead = "GET /orders/{id} (cold: no cache, any)";
    public const string CachedRead = "GET /orders/{id} (cache)";
    public const string UncachedRead = "GET /orders/{id} (no cache)";
    public const string CachedReadAgain = "GET /orders/{id} (cache, again)";
    public const string SustainedOrders = "POST /orders (contended)";

    public DateTimeOffset Date { get; } = date;

    /// <summary>The services' data provider: sqlite or postgres.</summary>
    public string Provider { get; } = provider;

    /// <summary>What the cache ran on: redis-server, Garnet or a container.</summary>
    public string CacheHost { get; set; } = "";
    public int Cores { get; } = cores;
    public string Os { get; } = os;
    public double SecondsPerScenario { get; } = secondsPerScenario;
    public int Connections { get; } = connections;
    public Dictionary<string, LoadResult> Scenarios { get; } = [];

    /// <summary>For each scenario, the CPU time each process spent per request, in microseconds.</summary>
    public Dictionary<string, Dictionary<string, double>> CpuMicrosecondsPerRequest { get; } = [];

    /// <summary>Each of three starts of the topology, to every resource healthy.</summary>
    public List<double> ColdStartSeconds { get; } = [];
    public double CacheHitRatio { get; set; }

    /// <summary>The share of the cached reads whose order the orders service showed from its memory (its order cache).</summary>
    public double OrderCacheHitRatio { get; set; }
    public double OrdersPerSecond { get; set; }
    public long OrdersAnswered201 { get; set; }
    public int OrdersStored { get; set; }
    public int SellOutConfirmedUnits { get; set; }
    public int OversoldUnits { get; set; }
    public int UnaccountedUnits { get; set; }
    public Dictionary<string, double> PeakRssMb { get; } = [];

    /// <summary>Each service's peak private (anonymous) resident memory, sampled through the run, in MiB.</summary>
    public Dictionary<string, double> PeakPrivateMb { get; } = [];

    /// <summary>The pod memory limit the services were started as under (their GC heap at 75% of it), in MiB; 0 for none.</summary>
    public int MemoryLimitMiB { get; init; }

    /// <summary>Whether every service ran from the first scenario to the last as the same process: none killed or restarted.</summary>
    public bool ServicesRanThroughout { get; set; }

    public double ColdStartMedianSeconds => ColdStartSeconds.Order().ElementAt(ColdStartSeconds.Count / 2);

    [JsonIgnore]
    private LoadResult BaselineOrders => Scenarios[Baseline];

    public void Add(string name, LoadResult result)
    {
        Scenarios[name] = result;
        Console.WriteLine($"  {name}: {Wrk.Format(result.RequestsPerSecond)} req/s, p50 {Wrk.Format(result.P50Ms)} ms, p99 {Wrk.Format(result.P99Ms)} ms");
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"Run of {Date:yyyy-MM-dd HH:mm} UTC on {Cores} cores ({Os}), data on {Provider}, the cache on {CacheHost}; ratios are to the baseline GET /orders/{{id}} of the same run.");
        Console.WriteLine();
        Console.WriteLine("| Scenario | req/s | p50 ms | p99 ms | req/s ratio | p99 ratio | 201 | 4xx/5xx | socket errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, r) in Scenarios)
        {
            Console.WriteLine($"| {name} | {Wrk.Format(r.RequestsPerSecond)} | {Wrk.Format(r.P50Ms)} | {Wrk.Format(r.P99Ms)} | " +
                $"{Wrk.Format(r.RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x | {Wrk.Format(r.P99Ms / BaselineOrders.P99Ms)}x | " +
                $"{r.Created} | {r.Conflicts + r.Other} | {r.SocketErrors} |");
        }

        Console.WriteLine();
        var processes = CpuMicrosecondsPerRequest.Values.SelectMany(p => p.Keys).Distinct().ToList();
        Console.WriteLine($"| CPU µs per request | {string.Join(" | ", processes)} | all |");
        Console.WriteLine($"|---|{string.Concat(processes.Select(_ => "---|"))}---|");
        foreach (var (name, byProcess) in CpuMicrosecondsPerRequest)
        {
            Console.WriteLine($"| {name} | {string.Join(" | ", processes.Select(p => byProcess.TryGetValue(p, out var us) ? Wrk.Format(Math.Round(us)) : "-"))} | {Wrk.Format(Math.Round(byProcess.Values.Sum()))} |");
        }

        var cached = Scenarios[CachedRead];
        var cold = Scenarios[ColdRead];
        var orders = Scenarios[SustainedOrders];
        var singleHop = Scenarios[BaselineUsers].RequestsPerSecond;
        var ordersTarget = Provider == "postgres" ? 1500 : 2000;
        Console.WriteLine();
        Console.WriteLine("| Target | Measured | Met |");
        Console.WriteLine("|---|---|---|");
        Target("Catalogue reads >= 0.8x the baseline's GET /users/{id} (a single hop)",
            string.Join(", ", new[] { ProductPage, CataloguePage, CatalogueSearch }.Select(name => $"{name}: {Wrk.Format(Scenarios[name].RequestsPerSecond / singleHop)}x")),
            new[] { ProductPage, CataloguePage, CatalogueSearch }.All(name => Scenarios[name].RequestsPerSecond >= 0.8 * singleHop));
        Target("GET /orders/{id} (cache) >= 1x the baseline's req/s, p99 <= 1.5x", $"{Wrk.Format(cached.RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x, p99 {Wrk.Format(cached.P99Ms / BaselineOrders.P99Ms)}x",
            cached.RequestsPerSecond >= BaselineOrders.RequestsPerSecond && cached.P99Ms <= 1.5 * BaselineOrders.P99Ms);
        Target("The cold path (no cache, orders not in memory) >= 0.35x the baseline's req/s", $"{Wrk.Format(cold.RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x",
            cold.RequestsPerSecond >= 0.35 * BaselineOrders.RequestsPerSecond);
        Target($"POST /orders >= {ordersTarget:N0} orders/s on {Provider}, p99 <= 100 ms, 0 oversold", $"{Wrk.Format(OrdersPerSecond)} orders/s, p99 {Wrk.Format(orders.P99Ms)} ms ({OrdersAnswered201} answered 201 in time, {OrdersStored} units confirmed); selling out: {SellOutConfirmedUnits} units confirmed, {OversoldUnits} oversold; {UnaccountedUnits} unaccounted",
            OrdersPerSecond >= ordersTarget && orders.P99Ms <= 100 && OversoldUnits == 0 && UnaccountedUnits == 0);
        Target("Cold start, median of 3 <= 5 s", $"{Wrk.Format(ColdStartMedianSeconds)} s ({string.Join(", ", ColdStartSeconds.Select(s => Wrk.Format(s)))})", ColdStartMedianSeconds <= 5);
        Target($"Each service's peak RSS under 256 MiB ({(MemoryLimitMiB > 0 ? $"started as in a {MemoryLimitMiB} MiB pod, GC heap limit {MemoryLimitMiB * 3 / 4} MiB" : "no memory limit")})",
            string.Join(", ", PeakRssMb.Select(p => $"{p.Key} {Wrk.Format(p.Value)} MiB")), PeakRssMb.Values.All(mib => mib < 256));
        Target("Every service ran throughout, none killed or restarted", ServicesRanThroughout ? "yes" : "no", ServicesRanThroughout);
        Target("Cache hit ratio >= 99%", $"{Wrk.Format(CacheHitRatio * 100)}%", CacheHitRatio >= 0.99);
        Console.WriteLine();
        Console.WriteLine($"The floor, {Floor}: {Wrk.Format(Scenarios[Floor].RequestsPerSecond / singleHop)}x the baseline's GET /users/{{id}}, " +
            $"{Wrk.Format(Scenarios[Floor].RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x its GET /orders/{{id}}.");
        Console.WriteLine($"Reads of GET /orders/{{id}} whose order the orders service showed from its memory: {Wrk.Format(OrderCacheHitRatio * 100)}%.");
        Console.WriteLine($"Peak private (anonymous) memory: {string.Join(", ", PeakPrivateMb.Select(p => $"{p.Key} {Wrk.Format(p.Value)} MiB"))}.");
    }

    private static void Target(string target, string measured, bool met) =>
        Console.WriteLine($"| {target} | {measured} | {(met ? "yes" : "no")} |");
}
