using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Shop.Bench;

/// <summary>One wrk run: its throughput, latency and the statuses it got.</summary>
internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Created, long Conflicts, long Other, long SocketErrors)
{
    public double CreatedPerSecond(TimeSpan duration) => Created / duration.TotalSeconds;
}

/// <summary>Runs wrk, bounded in time, against a loopback URL, with a Lua script that counts statuses.</summary>
internal static class Wrk
{
    /// <param name="path">
    /// A Lua expression for each request's path, such as <c>"/products/" .. math.random(1, 10000)</c>, so that a run
    /// asks for many resources rather than one; the URL's own path when null.
    /// </param>
    public static async Task<LoadResult> RunAsync(string url, TimeSpan duration, int connections, string? bearer = null, string? postBody = null,
        string? path = null)
    {
        var script = Path.Combine(Path.GetTempPath(), $"shop-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script(bearer, postBody, path));
        try
        {
            var start = new ProcessStartInfo("wrk", ["-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "10s", "-s", script, url])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true
            };
            using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start; install it (apt-get install wrk).");
            var output = await wrk.StandardOutput.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            var json = output.Split('\n').Last(line => line.StartsWith('{'));
            var r = JsonDocument.Parse(json).RootElement;
            return new LoadResult(
                r.GetProperty("requests").GetInt64() / (r.GetProperty("duration_us").GetInt64() / 1_000_000.0),
                r.GetProperty("p50_us").GetInt64() / 1000.0,
                r.GetProperty("p99_us").GetInt64() / 1000.0,
                r.GetProperty("requests").GetInt64(),
                r.GetProperty("created").GetInt64(),
                r.GetProperty("conflicts").GetInt64(),
                r.GetProperty("other").GetInt64(),
                r.GetProperty("errors").GetInt64());
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Script(string? bearer, string? postBody, string? path)
    {
        var setup = new List<string>();
        if (path is not null)
        {
            // Each thread draws its own sequence; wrk builds the request anew for every call.
            setup.Add($"function request() return wrk.format(nil, {path}) end");
        }

        if (bearer is not null)
        {
            setup.Add($"wrk.headers[\"Authorization\"] = \"Bearer {bearer}\"");
        }

        if (postBody is not null)
        {
            setup.Add("wrk.method = \"POST\"");
            setup.Add("wrk.headers[\"Content-Type\"] = \"application/json\"");
            setup.Add($"wrk.body = '{postBody}'");
        }

        return string.Join('\n', setup) + """

            local threads = {}
            function setup(thread) table.insert(threads, thread); thread:set("thread_seed", #threads) end
            function init(args) ok = 0; created = 0; conflicts = 0; other = 0; math.randomseed((thread_seed or 1) * 7919) end
            function response(status, headers, body)
              if status == 201 then created = created + 1
              elseif status == 409 then conflicts = conflicts + 1
              elseif status ~= 200 then other = other + 1 end
            end
            function done(summary, latency, requests)
              local c, k, o = 0, 0, 0
              for _, t in ipairs(threads) do c = c + t:get("created"); k = k + t:get("conflicts"); o = o + t:get("other") end
              local e = summary.errors
              io.write(string.format('{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"created":%d,"conflicts":%d,"other":%d}\n',
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
                e.connect + e.read + e.write + e.timeout, c, k, o))
            end
            """;
    }

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
