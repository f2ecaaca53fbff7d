namespace Shop.OrderService.Webhooks;

/// <summary>The events an endpoint may subscribe to; one registered without a list gets all of them.</summary>
public static class WebhookEventTypes
{
    public static IReadOnlyList<string> All { get; } = [OrderConfirmed.Type, OrderCancelled.Type];
}
