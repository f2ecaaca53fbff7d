using Microsoft.Extensions.Options;

namespace Shop.ProductService.Reservations;

/// <summary>Gives back stock held for orders that were never confirmed, e.g. because the orders service stopped mid-way.</summary>
public sealed class ReservationSweep(IServiceScopeFactory scopes, IOptions<ReservationOptions> options, ILogger<ReservationSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ReservationStore>().ReleaseExpiredAsync(options.Value.HoldTimeout, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "The reservation sweep failed; it tries again in {SweepInterval}", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
