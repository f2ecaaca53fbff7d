using System.Diagnostics.Metrics;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>A counter whose every count carries one tag, such as a lookup's <c>result</c>: hit or miss.</summary>
public sealed class TaggedCounter(Counter<long> counter, string tag)
{
    /// <summary>Counts one, with the tag set to <paramref name="value"/>.</summary>
    public void Add(string value) => counter.Add(1, new KeyValuePair<string, object?>(tag, value));
}
