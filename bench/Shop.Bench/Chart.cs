using System.Globalization;
using System.Security;
using System.Text;

namespace Shop.Bench;

/// <summary>The run as an SVG chart: each scenario's throughput, and its p50 and p99 latency, against the bare pair's.</summary>
internal static class Chart
{
    private const int LabelWidth = 270;
    private const int BarWidth = 560;
    private const int RowHeight = 22;
    private const int PanelGap = 46;

    public static string Svg(Report report)
    {
        var scenarios = report.Scenarios.ToList();
        var rows = scenarios.Count;
        var throughputHeight = rows * RowHeight;
        var latencyHeight = rows * RowHeight;
        var height = 40 + throughputHeight + PanelGap + latencyHeight + 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{LabelWidth + BarWidth + 90}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="100%" height="100%" fill="white"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="10" y="18" font-size="14" font-weight="bold">Shop against the bare pair, {report.Date:yyyy-MM-dd}, {report.Cores} cores, data on {report.Provider}, cache on {report.CacheHost}</text>""");

        var top = 40;
        Title(svg, top - 6, "Requests per second (log scale); grey: the bare pair");
        var rates = Axis(scenarios.Select(s => s.Value.RequestsPerSecond));
        for (var i = 0; i < rows; i++)
        {
            var (name, result) = scenarios[i];
            var y = top + i * RowHeight;
            Label(svg, y, name);
            Bar(svg, y + 3, RowHeight - 6, rates(result.RequestsPerSecond), name.StartsWith("baseline", StringComparison.Ordinal) ? "#9e9e9e" : "#1f77b4",
                Wrk.Format(Math.Round(result.RequestsPerSecond)));
        }

        top += throughputHeight + PanelGap;
        Title(svg, top - 6, "Latency in ms (log scale): p50 light, p99 dark");
        var latencies = Axis(scenarios.SelectMany(s => new[] { s.Value.P50Ms, s.Value.P99Ms }));
        for (var i = 0; i < rows; i++)
        {
            var (name, result) = scenarios[i];
            var y = top + i * RowHeight;
            Label(svg, y, name);
            Bar(svg, y + 2, (RowHeight - 4) / 2, latencies(result.P50Ms), "#aec7e8", Wrk.Format(result.P50Ms));
            Bar(svg, y + 2 + (RowHeight - 4) / 2, (RowHeight - 4) / 2, latencies(result.P99Ms), "#08519c", Wrk.Format(result.P99Ms));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The width of a bar on a log scale from the decade below the smallest of <paramref name="values"/> to the one above the largest.</summary>
    private static Func<double, double> Axis(IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0).DefaultIfEmpty(1).ToList();
        var floor = Math.Floor(Math.Log10(positive.Min()));
        var ceiling = Math.Max(floor + 1, Math.Ceiling(Math.Log10(positive.Max())));
        return value => Math.Max(1, (Math.Log10(Math.Max(value, Math.Pow(10, floor))) - floor) / (ceiling - floor) * BarWidth);
    }

    private static void Title(StringBuilder svg, int y, string text) =>
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="10" y="{y}" font-weight="bold">{SecurityElement.Escape(text)}</text>""");

    private static void Label(StringBuilder svg, int y, string text) =>
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth - 8}" y="{y + RowHeight / 2 + 4}" text-anchor="end">{SecurityElement.Escape(text)}</text>""");

    private static void Bar(StringBuilder svg, int y, int height, double width, string colour, string value) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"""<rect x="{LabelWidth}" y="{y}" width="{width:0.#}" height="{height}" fill="{colour}"/><text x="{LabelWidth + width + 4:0.#}" y="{y + height - 1}" font-size="10">{value}</text>""");
}
