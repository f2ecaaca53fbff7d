using System.Text.Json.Serialization;

namespace Shop.Bench;

/// <summary>Every figure of one run, printed as a table and written as JSON.</summary>
internal sealed class Report(DateTimeOffset date, int cores, string os, double secondsPerScenario, int connections, string provider)
{
    public DateTimeOffset Date { get; } = date;

    /// <summary>The services' data provider: sqlite or postgres.</summary>
    public string Provider { get; } = provider;
    public int Cores { get; } = cores;
    public string Os { get; } = os;
    public double SecondsPerScenario { get; } = secondsPerScenario;
    public int Connections { get; } = connections;
    public Dictionary<string, LoadResult> Scenarios { get; } = [];
    public double ColdStartSeconds { get; set; }
    public double CacheHitRatio { get; set; }
    public double OrdersPerSecond { get; set; }
    public long OrdersAnswered201 { get; set; }
    public int OrdersStored { get; set; }
    public int SellOutConfirmedUnits { get; set; }
    public int OversoldUnits { get; set; }
    public int UnaccountedUnits { get; set; }
    public Dictionary<string, double> PeakRssMb { get; } = [];

    [JsonIgnore]
    private LoadResult BaselineOrders => Scenarios["baseline GET /orders/{id}"];

    public void Add(string name, LoadResult result)
    {
        Scenarios[name] = result;
        Console.WriteLine($"  {name}: {Wrk.Format(result.RequestsPerSecond)} req/s, p50 {Wrk.Format(result.P50Ms)} ms, p99 {Wrk.Format(result.P99Ms)} ms");
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"Run of {Date:yyyy-MM-dd HH:mm} UTC on {Cores} cores ({Os}), data on {Provider}; ratios are to the baseline GET /orders/{{id}} of the same run.");
        Console.WriteLine();
        Console.WriteLine("| Scenario | req/s | p50 ms | p99 ms | req/s ratio | p99 ratio | 201 | 4xx/5xx | socket errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, r) in Scenarios)
        {
            Console.WriteLine($"| {name} | {Wrk.Format(r.RequestsPerSecond)} | {Wrk.Format(r.P50Ms)} | {Wrk.Format(r.P99Ms)} | " +
                $"{Wrk.Format(r.RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x | {Wrk.Format(r.P99Ms / BaselineOrders.P99Ms)}x | " +
                $"{r.Created} | {r.Conflicts + r.Other} | {r.SocketErrors} |");
        }

        var cached = Scenarios["GET /orders/{id} (cache)"];
        Console.WriteLine();
        Console.WriteLine("| Target | Measured | Met |");
        Console.WriteLine("|---|---|---|");
        Target("GET /orders/{id} throughput >= 1.0x baseline", $"{Wrk.Format(cached.RequestsPerSecond / BaselineOrders.RequestsPerSecond)}x", cached.RequestsPerSecond >= BaselineOrders.RequestsPerSecond);
        Target("GET /orders/{id} p99 <= 2x baseline", $"{Wrk.Format(cached.P99Ms / BaselineOrders.P99Ms)}x", cached.P99Ms <= 2 * BaselineOrders.P99Ms);
        Target("POST /orders >= 1,000 orders/s, 0 oversold", $"{Wrk.Format(OrdersPerSecond)} orders/s ({OrdersAnswered201} answered 201 in time, {OrdersStored} units confirmed); selling out: {SellOutConfirmedUnits} units confirmed, {OversoldUnits} oversold; {UnaccountedUnits} unaccounted", OrdersPerSecond >= 1000 && OversoldUnits == 0 && UnaccountedUnits == 0);
        Target("Cold start <= 10 s", $"{Wrk.Format(ColdStartSeconds)} s", ColdStartSeconds <= 10);
        Target("Each service <= 150 MB RSS under load", string.Join(", ", PeakRssMb.Select(p => $"{p.Key} {Wrk.Format(p.Value)} MB")), PeakRssMb.Values.All(v => v <= 150));
        Target("Cache hit ratio >= 99%", $"{Wrk.Format(CacheHitRatio * 100)}%", CacheHitRatio >= 0.99);
    }

    private static void Target(string target, string measured, bool met) =>
        Console.WriteLine($"| {target} | {measured} | {(met ? "yes" : "no")} |");
}
