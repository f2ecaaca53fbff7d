using Shop.Data.Work;

namespace Shop.Web.Baskets;

/// <summary>
/// Clears away, every hour, what no one can use any more: anonymous baskets untouched for longer than their cookie lives,
/// and sign-in sessions that have ended. A person's own basket stays as long as their account.
/// </summary>
public sealed class WebDataSweep(IServiceScopeFactory scopes, ILogger<WebDataSweep> logger) : PeriodicWorker(scopes, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<WebDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var abandonedBefore = now - BasketCookie.Lifetime;
        var baskets = await db.Baskets.Where(b => b.OwnerId == null && b.UpdatedAt < abandonedBefore).ExecuteDeleteAsync(cancellationToken);
        var sessions = await db.SignInSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        if (baskets + sessions > 0)
        {
            logger.LogInformation("Cleared {Baskets} abandoned baskets and {Sessions} ended sign-in sessions", baskets, sessions);
        }
    }
}
