using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The latest state of every instance of a topology's resources, replicas included: Aspire's waits find a resource by
/// name and answer for one of its replicas, while a test of replicas needs each of them.
/// </summary>
public sealed class ResourceWatch
{
    private static readonly ConditionalWeakTable<DistributedApplication, ResourceWatch> Watches = new();

    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();

    private ResourceWatch(DistributedApplication app) => _ = WatchAsync(app);

    /// <summary>The watch of <paramref name="app"/>, which starts watching when first asked for.</summary>
    public static ResourceWatch Of(DistributedApplication app) => Watches.GetValue(app, created => new ResourceWatch(created));

    /// <summary>The instances of <paramref name="resource"/> that run now, with their process ids.</summary>
    public IReadOnlyList<(string Id, int ProcessId)> Running(string resource) =>
    [
        .. _latest.Values
            .Where(e => e.Resource.Name == resource && e.Snapshot.State?.Text == KnownResourceStates.Running)
            .Select(e => (e.ResourceId, ProcessIdOf(e)))
            .Where(instance => instance.Item2 > 0)
            .OrderBy(instance => instance.ResourceId, StringComparer.Ordinal)
    ];

    /// <summary>Waits until <paramref name="count"/> instances of <paramref name="resource"/> are healthy, and returns them.</summary>
    public async Task<IReadOnlyList<(string Id, int ProcessId)>> HealthyAsync(string resource, int count, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; ; await Task.Delay(TimeSpan.FromMilliseconds(100)))
        {
            IReadOnlyList<(string Id, int ProcessId)> healthy =
                [.. Running(resource).Where(instance => _latest[instance.Id].Snapshot.HealthStatus == HealthStatus.Healthy)];
            if (healthy.Count == count)
            {
                return healthy;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} instances of {resource} did not turn healthy within {timeout}; {healthy.Count} did.");
            }
        }
    }

    private async Task WatchAsync(DistributedApplication app)
    {
        try
        {
            await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped))
            {
                _latest[resourceEvent.ResourceId] = resourceEvent;
            }
        }
        catch (OperationCanceledException)
        {
            // The topology stopped.
        }
    }

    private static int ProcessIdOf(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : 0;
}
