using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Input;

namespace Shop.OrderService.Webhooks;

/// <summary>The body of <c>POST /webhooks</c>: where to post, the secret to sign with, and which events (all when left out).</summary>
public sealed record RegisterWebhookRequest : IValidatableObject
{
    [Required, StringLength(WebhookEndpoint.MaxUrlLength)]
    public required string Url { get; init; }

    [Required, StringLength(WebhookEndpoint.MaxSecretLength, MinimumLength = WebhookEndpoint.MinSecretLength)]
    public required string Secret { get; init; }

    public IReadOnlyList<string>? Events { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is not null && WebhookAddressPolicy.FormProblem(Url) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Url)]);
        }

        if (Events is null)
        {
            yield break;
        }

        if (Events.Count == 0)
        {
            yield return new ValidationResult("The field Events must name at least one event; leave it out for all of them.", [nameof(Events)]);
        }

        for (var i = 0; i < Events.Count; i++)
        {
            if (!WebhookEventTypes.All.Contains(Events[i]))
            {
                yield return new ValidationResult($"The event must be one of: {string.Join(", ", WebhookEventTypes.All)}.", [$"{nameof(Events)}[{i}]"]);
            }
        }

        foreach (var duplicate in ListRules.EachPresentAndUnique(Events, e => e, nameof(Events), "Each event may appear once only."))
        {
            yield return duplicate;
        }
    }
}

/// <summary>An endpoint as the API shows it: never its secret.</summary>
public sealed record WebhookEndpointResponse(int Id, string Url, IReadOnlyList<string> Events, DateTime CreatedAt)
{
    public static WebhookEndpointResponse From(WebhookEndpoint endpoint) => new(endpoint.Id, endpoint.Url, endpoint.EventTypes, endpoint.CreatedAt);
}

/// <summary>A delivery and its attempts so far; <see cref="NextAttemptAt"/> only while it is Pending.</summary>
public sealed record WebhookDeliveryResponse(
    int Id, Guid EventId, string EventType, WebhookDeliveryStatus Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTime? NextAttemptAt, DateTime CreatedAt, DateTime? DeliveredAt)
{
    public static WebhookDeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.Id, delivery.EventId, delivery.EventType, delivery.Status, delivery.Attempts, delivery.LastStatusCode, delivery.LastError,
        delivery.Status == WebhookDeliveryStatus.Pending ? delivery.NextAttemptAt : null, delivery.CreatedAt, delivery.DeliveredAt);
}
