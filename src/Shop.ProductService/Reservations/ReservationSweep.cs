using Microsoft.Extensions.Options;
using Shop.Data.Work;

namespace Shop.ProductService.Reservations;

/// <summary>Gives back stock held for orders that were never confirmed, e.g. because the orders service stopped mid-way.</summary>
public sealed class ReservationSweep(IServiceScopeFactory scopes, IOptions<ReservationOptions> options, ILogger<ReservationSweep> logger)
    : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ReservationStore>().ReleaseExpiredAsync(options.Value.HoldTimeout, cancellationToken);
}
