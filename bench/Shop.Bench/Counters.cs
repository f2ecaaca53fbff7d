using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Shop.Bench;

/// <summary>Reads a service's own counters while a load runs, with dotnet-counters (a local tool of the repository).</summary>
internal static class Counters
{
    /// <summary>
    /// Runs <paramref name="load"/> while collecting <paramref name="instruments"/> of <paramref name="meter"/> in the
    /// process <paramref name="processId"/>, and answers the load's result with each counter's totals by tag set.
    /// </summary>
    public static async Task<(T Result, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Totals)> CollectAsync<T>(
        int processId, string meter, IReadOnlyList<string> instruments, TimeSpan length, Func<Task<T>> load)
    {
        var output = Path.Combine(Path.GetTempPath(), $"shop-bench-counters-{Guid.NewGuid():N}.json");
        // A little longer than the load, so that its last second is read too.
        var duration = length + TimeSpan.FromSeconds(3);
        using var collector = Process.Start(new ProcessStartInfo("dotnet",
        [
            "dotnet-counters", "collect", "--process-id", processId.ToString(CultureInfo.InvariantCulture),
            "--counters", $"{meter}[{string.Join(',', instruments)}]", "--format", "json", "--output", output,
            "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true
        }) ?? throw new InvalidOperationException("dotnet-counters did not start.");
        _ = collector.StandardOutput.ReadToEndAsync();
        _ = collector.StandardError.ReadToEndAsync();
        // Give it a moment to attach before the load starts.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var result = await load();
        await collector.WaitForExitAsync().WaitAsync(duration + TimeSpan.FromSeconds(30));
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            // Each event is the counter's increase over one refresh interval, for one set of tags.
            var events = document.RootElement.GetProperty("Events").EnumerateArray().ToList();
            var totals = instruments.ToDictionary(instrument => instrument, IReadOnlyDictionary<string, double> (instrument) => events
                .Where(e => e.GetProperty("name").GetString()!.StartsWith(instrument + " ", StringComparison.Ordinal))
                .GroupBy(e => e.GetProperty("tags").GetString() ?? "")
                .ToDictionary(g => g.Key, g => g.Sum(e => e.GetProperty("value").GetDouble())));
            return (result, totals);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
