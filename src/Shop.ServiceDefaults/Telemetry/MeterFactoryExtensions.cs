using System.Diagnostics.Metrics;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// The counters of a service's own meter, each made in one line. The factory makes a meter once per name and hands
/// the same one to every later call, so that all counters of a service share its meter.
/// </summary>
public static class MeterFactoryExtensions
{
    /// <summary>A counter of meter <paramref name="meterName"/>.</summary>
    public static Counter<long> CreateCounter(this IMeterFactory meterFactory, string meterName, string name, string unit, string description) =>
        meterFactory.Create(meterName).CreateCounter<long>(name, unit, description);

    /// <summary>A counter of meter <paramref name="meterName"/> whose every count carries tag <paramref name="tag"/>.</summary>
    public static TaggedCounter CreateTaggedCounter(
        this IMeterFactory meterFactory, string meterName, string name, string tag, string unit, string description) =>
        new(meterFactory.CreateCounter(meterName, name, unit, description), tag);
}
