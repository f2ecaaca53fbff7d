using Microsoft.AspNetCore.Http.HttpResults;
using Shop.ServiceDefaults.Errors;

namespace Shop.OrderService.Webhooks;

/// <summary>
/// Webhooks, for an administrator: endpoints that are posted order events (<c>order.confirmed</c>,
/// <c>order.cancelled</c>) signed with their secret, and each endpoint's deliveries, a failed one of which may be
/// replayed.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(ShopPolicies.Admin).WithBodyLimit(16 * 1024);

        api.MapPost("/", RegisterWebhook).WithName(nameof(RegisterWebhook));
        api.MapGet("/", ListWebhooks).WithName(nameof(ListWebhooks));
        api.MapDelete("/{id:int}", DeleteWebhook).WithName(nameof(DeleteWebhook));
        api.MapGet("/{id:int}/deliveries", ListWebhookDeliveries).WithName(nameof(ListWebhookDeliveries));
        api.MapPost("/deliveries/{id:int}/replay", ReplayWebhookDelivery).WithName(nameof(ReplayWebhookDelivery));

        return app;
    }

    /// <summary>Registers an endpoint; its host must resolve to public addresses only, unless <c>Webhooks:AllowPrivateAddresses</c>.</summary>
    public static async Task<Results<Created<WebhookEndpointResponse>, ValidationProblem>> RegisterWebhook(
        RegisterWebhookRequest request, OrdersDbContext db, WebhookAddressPolicy policy, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await policy.RefusalAsync(new Uri(request.Url), cancellationToken) is { } refusal)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(RegisterWebhookRequest.Url)] = [refusal] });
        }

        var endpoint = new WebhookEndpoint
        {
            Url = request.Url,
            Secret = request.Secret,
            EventTypes = [.. request.Events ?? WebhookEventTypes.All],
            CreatedAt = clock.GetStoredNow().UtcDateTime
        };
        db.Add(endpoint);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/webhooks/{endpoint.Id}", WebhookEndpointResponse.From(endpoint));
    }

    public static async Task<Ok<Page<WebhookEndpointResponse>>> ListWebhooks(
        [AsParameters] PageRequest page, OrdersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Set<WebhookEndpoint>().OrderBy(e => e.Id).ToPageAsync(page, WebhookEndpointResponse.From, cancellationToken));

    /// <summary>Deletes an endpoint and its deliveries: nothing more is posted to it.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(int id, OrdersDbContext db, CancellationToken cancellationToken) =>
        await db.Set<WebhookEndpoint>().Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Webhook", id)
            : TypedResults.NoContent();

    /// <summary>An endpoint's deliveries, newest first.</summary>
    public static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ProblemHttpResult>> ListWebhookDeliveries(
        int id, [AsParameters] PageRequest page, OrdersDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == id, cancellationToken))
        {
            return Problems.NotFound("Webhook", id);
        }

        return TypedResults.Ok(await db.Set<WebhookDelivery>()
            .Where(d => d.EndpointId == id)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .ToPageAsync(page, WebhookDeliveryResponse.From, cancellationToken));
    }

    /// <summary>Sends a delivery again, as if new: Pending, no attempts, due now. The receiver gets the same event id.</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> ReplayWebhookDelivery(
        int id, OrdersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow().UtcDateTime;
        var replayed = await db.Set<WebhookDelivery>().Where(d => d.Id == id).ExecuteUpdateAsync(delivery => delivery
            .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
            .SetProperty(d => d.Attempts, 0)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.DeliveredAt, (DateTime?)null), cancellationToken);
        return replayed == 0 ? Problems.NotFound("Webhook delivery", id) : TypedResults.Accepted((string?)null);
    }
}
