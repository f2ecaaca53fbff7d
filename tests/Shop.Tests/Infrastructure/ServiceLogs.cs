using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Tests.Infrastructure;

/// <summary>Collects the console logs of the cache, the three services and the web app, so that tests can search what they wrote.</summary>
internal sealed class ServiceLogs : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _text = new();

    /// <summary>Starts collecting, from every replica of each, as each starts.</summary>
    public ServiceLogs(DistributedApplication app)
    {
        _ = FollowAsync(app, app.Services.GetRequiredService<ResourceLoggerService>(),
            new HashSet<string> { ShopResources.Cache, ShopServices.Users, ShopServices.Products, ShopServices.Orders, ShopServices.Web }, _stop.Token);
    }

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>Reads the log of each instance of <paramref name="resources"/> once it runs; logs are read by instance.</summary>
    private async Task FollowAsync(DistributedApplication app, ResourceLoggerService logs, IReadOnlySet<string> resources, CancellationToken cancellationToken)
    {
        var followed = new HashSet<string>();
        try
        {
            await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(cancellationToken))
            {
                if (resources.Contains(resourceEvent.Resource.Name)
                    && resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running
                    && followed.Add(resourceEvent.ResourceId))
                {
                    _ = CollectAsync(logs, resourceEvent.ResourceId, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The topology is stopping.
        }
    }

    private async Task CollectAsync(ResourceLoggerService logs, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                lock (_text)
                {
                    foreach (var line in batch)
                    {
                        _text.AppendLine(line.Content);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The topology is stopping.
        }
    }
}
