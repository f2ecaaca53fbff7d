using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Data.Providers;
using Shop.Data.Work;

namespace Shop.Events.Outbox;

/// <summary>
/// Runs <see cref="OutboxRelay"/> every second on the service's clock, and at once when a request nudges it, under the
/// relay's <see cref="WorkLease"/> so that one replica publishes at a time, in order. Every replica measures the backlog
/// for its gauges, so that whichever replica is scraped reports it.
/// </summary>
/// <remarks>
/// It is not a <see cref="PeriodicWorker"/>, whose timer ticks at a fixed rate: a nudge must start a pass between
/// ticks. It logs and waits out failures the same way.
/// </remarks>
internal sealed class OutboxRelayWorker(IServiceScopeFactory scopes, OutboxSignal signal, TimeProvider clock, ILogger<OutboxRelayWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var relay = scope.ServiceProvider.GetRequiredService<OutboxRelay>();
                await using (var lease = await scope.ServiceProvider.GetRequiredService<WorkLease>().TryAcquireAsync(nameof(OutboxRelay), stoppingToken))
                {
                    if (lease is not null)
                    {
                        await relay.RelayAsync(stoppingToken);
                    }
                }

                await relay.MeasureAsync(stoppingToken);
            }
            catch (Exception exception) when (DatabaseOutage.IsOutage(exception))
            {
                logger.LogWarning("The outbox relay waits for the database ({Reason})", exception.GetBaseException().Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "The outbox relay failed; it tries again in {Interval}", Interval);
            }

            await signal.WaitAsync(Interval, clock, stoppingToken);
        }
    }
}
