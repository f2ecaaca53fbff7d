using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Data.Providers;
using Shop.ServiceDefaults.Errors;

namespace Shop.Data.Work;

/// <summary>
/// A background job that runs a pass at start and then every <see cref="Interval"/>, each pass in a scope of its own.
/// Each pass runs under the job's <see cref="WorkLease"/>, so that across the service's replicas one runs it at a time;
/// a replica that finds the lease taken skips that pass. A pass that fails is logged and the next one tries again: a
/// dependency or a database that is away is a warning, anything else an error. Passes fall due on the service's
/// <see cref="TimeProvider"/>.
/// </summary>
public abstract class PeriodicWorker(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether every replica runs each pass, for work on its own process's state, rather than one under the lease.</summary>
    protected virtual bool EveryReplica => false;

    /// <summary>One pass, with the services of its scope.</summary>
    protected abstract Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock());
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await using var lease = EveryReplica
                    ? null
                    : await scope.ServiceProvider.GetRequiredService<WorkLease>().TryAcquireAsync(GetType().Name, stoppingToken);
                if (EveryReplica || lease is not null)
                {
                    await RunAsync(scope.ServiceProvider, stoppingToken);
                }
            }
            catch (DependencyUnavailableException exception)
            {
                logger.LogWarning("{Worker} waits for the {Dependency} service", GetType().Name, exception.Dependency);
            }
            catch (Exception exception) when (DatabaseOutage.IsOutage(exception))
            {
                logger.LogWarning("{Worker} waits for the database ({Reason})", GetType().Name, exception.GetBaseException().Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "{Worker} failed; it tries again in {Interval}", GetType().Name, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // The service's clock, rather than the machine's, so that a test on a fake clock decides when the next pass is due.
    private TimeProvider Clock()
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TimeProvider>();
    }
}
