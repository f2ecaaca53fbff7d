using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Data.Work;

namespace Shop.Events.Inbox;

/// <summary>Every second, under its lease, tries again the received events whose handler failed and whose backoff is over.</summary>
internal sealed class InboxRetryWorker(IServiceScopeFactory scopes, ILogger<InboxRetryWorker> logger) : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<IntegrationEventInbox>().RetryDueAsync(cancellationToken);
}
