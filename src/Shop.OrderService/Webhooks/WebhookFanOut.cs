using System.Text.Json;
using Shop.Events;

namespace Shop.OrderService.Webhooks;

/// <summary>
/// Turns an order event into one Pending delivery for each endpoint subscribed to its type. It runs inside the
/// transaction that records the event as handled, so the deliveries are stored exactly when the event is.
/// </summary>
public sealed class WebhookFanOut(OrdersDbContext db, TimeProvider clock)
{
    public async Task EnqueueAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        // An endpoint that already has this event is left alone, so that handling it again adds nothing.
        var endpoints = await db.Set<WebhookEndpoint>()
            .Where(e => e.EventTypes.Contains(envelope.Type)
                && !db.Set<WebhookDelivery>().Any(d => d.EndpointId == e.Id && d.EventId == envelope.Id))
            .Select(e => e.Id)
            .ToListAsync(cancellationToken);
        if (endpoints.Count == 0)
        {
            return;
        }

        var payload = JsonSerializer.Serialize(
            new WebhookPayload(envelope.Id, envelope.Type, envelope.Version, envelope.OccurredAt, envelope.Data), JsonSerializerOptions.Web);
        var now = clock.GetStoredNow().UtcDateTime;
        foreach (var endpoint in endpoints)
        {
            db.Add(new WebhookDelivery
            {
                EndpointId = endpoint,
                EventId = envelope.Id,
                EventType = envelope.Type,
                Payload = payload,
                Status = WebhookDeliveryStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The body an endpoint receives.</summary>
    private sealed record WebhookPayload(Guid Id, string Type, int Version, DateTimeOffset OccurredAt, JsonElement Data);
}
