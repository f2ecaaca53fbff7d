using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Shop.Events.Outbox;

/// <summary>
/// Degraded while the oldest unpublished event has waited longer than <c>Events:PublishDelayWarning</c>: the transport
/// is away or refuses it, and the other services do not hear of what this one did. The service still answers.
/// </summary>
internal sealed class OutboxHealthCheck([FromKeyedServices(IntegrationEventServices.DatabaseKey)] DbContext db, IOptions<IntegrationEventOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var oldest = await db.Set<OutboxEvent>()
            .Where(e => e.PublishedAt == null)
            .OrderBy(e => e.Id)
            .Select(e => (DateTime?)e.OccurredAt)
            .FirstOrDefaultAsync(cancellationToken);
        var waited = oldest is { } occurredAt ? clock.GetUtcNow().UtcDateTime - occurredAt : TimeSpan.Zero;
        return waited > options.Value.PublishDelayWarning
            ? HealthCheckResult.Degraded($"The oldest unpublished event has waited {waited:g}, longer than {options.Value.PublishDelayWarning:g}.")
            : HealthCheckResult.Healthy();
    }
}
