using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Shop.AppHost;

/// <summary>
/// The instances of every resource as the orchestrator runs them: one for most, one per replica for a service with
/// several. Aspire's own waits and lookups find a resource by name and answer for one of its replicas.
/// </summary>
internal sealed class ResourceInstances(ResourceNotificationService notifications) : BackgroundService
{
    private readonly ConcurrentDictionary<string, IResource> _instances = new();

    /// <summary>The ids of <paramref name="resource"/>'s instances, in a stable order.</summary>
    public IReadOnlyList<string> Of(IResource resource) =>
        [.. _instances.Where(instance => instance.Value == resource).Select(instance => instance.Key).Order(StringComparer.Ordinal)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                _instances[resourceEvent.ResourceId] = resourceEvent.Resource;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }
}
