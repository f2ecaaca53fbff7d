using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Tests.Infrastructure;

/// <summary>Collects the console logs of the cache and the three services, so that tests can search what they wrote.</summary>
internal sealed class ServiceLogs : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _text = new();

    /// <summary>Starts collecting; call it once the services run, since their logs are read by instance.</summary>
    public ServiceLogs(DistributedApplication app)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in new[] { ShopResources.Cache, ShopServices.Users, ShopServices.Products, ShopServices.Orders })
        {
            _ = CollectAsync(app, logs, resource, _stop.Token);
        }
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

    private async Task CollectAsync(DistributedApplication app, ResourceLoggerService logs, string resource, CancellationToken cancellationToken)
    {
        try
        {
            var running = await app.ResourceNotifications.WaitForResourceAsync(
                resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
            await foreach (var batch in logs.WatchAsync(running.ResourceId).WithCancellation(cancellationToken))
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
