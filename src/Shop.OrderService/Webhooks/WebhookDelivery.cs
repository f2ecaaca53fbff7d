namespace Shop.OrderService.Webhooks;

/// <summary>One event to post to one endpoint, with what became of the attempts so far.</summary>
public sealed class WebhookDelivery
{
    public const int MaxErrorLength = 1000;

    public int Id { get; set; }

    public int EndpointId { get; set; }

    public WebhookEndpoint? Endpoint { get; set; }

    /// <summary>The event's id, sent as <c>Shop-Webhook-Id</c> on every attempt, so that a receiver can tell a repeat.</summary>
    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    /// <summary>The body posted, exactly as signed.</summary>
    public required string Payload { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a Pending delivery is due; for a Delivered or Failed one, when it was last due.</summary>
    public DateTime NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

public enum WebhookDeliveryStatus
{
    /// <summary>Not delivered yet; sent when <see cref="WebhookDelivery.NextAttemptAt"/> comes.</summary>
    Pending,

    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; an administrator may replay it.</summary>
    Failed
}
