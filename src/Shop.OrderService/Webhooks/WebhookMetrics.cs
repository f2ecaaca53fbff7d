using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.OrderService.Webhooks;

/// <summary>The webhooks' meter: deliveries made, attempts that failed, and deliveries given up on, by event type.</summary>
public sealed class WebhookMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "Shop.Webhooks";

    private readonly TaggedCounter _delivered = meterFactory.CreateTaggedCounter(MeterName, "shop.webhooks.delivered", "event.type", "{delivery}",
        "Webhook deliveries an endpoint accepted (2xx).");

    private readonly TaggedCounter _failedAttempts = meterFactory.CreateTaggedCounter(MeterName, "shop.webhooks.failed_attempts", "event.type", "{attempt}",
        "Webhook attempts that failed: an answer other than 2xx, no answer in time, or no connection.");

    private readonly TaggedCounter _gaveUp = meterFactory.CreateTaggedCounter(MeterName, "shop.webhooks.gave_up", "event.type", "{delivery}",
        "Webhook deliveries marked Failed after Webhooks:MaxAttempts attempts.");

    public void Delivered(string eventType) => _delivered.Add(eventType);

    public void FailedAttempt(string eventType) => _failedAttempts.Add(eventType);

    public void GaveUp(string eventType) => _gaveUp.Add(eventType);
}
