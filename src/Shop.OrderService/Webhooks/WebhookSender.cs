using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Shop.Data.Work;

namespace Shop.OrderService.Webhooks;

/// <summary>
/// Every second, on one replica at a time, posts the deliveries that are due, a batch at a time, each signed
/// (<see cref="WebhookSignature"/>). A 2xx answer marks it Delivered; anything else (another status, no answer within
/// <see cref="Timeout"/>, no connection, an address the policy refuses) is a failed attempt, tried again after a
/// backoff that doubles from a second up to an hour, until <see cref="WebhookOptions.MaxAttempts"/> marks it Failed.
/// </summary>
public sealed partial class WebhookSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    TimeProvider clock,
    IOptions<WebhookOptions> options,
    WebhookMetrics metrics,
    ILogger<WebhookSender> logger) : PeriodicWorker(scopes, logger)
{
    /// <summary>The HttpClient the deliveries are posted with (see <see cref="WebhooksExtensions.AddWebhooks"/>).</summary>
    public const string HttpClientName = "webhooks";

    public const string IdHeader = "Shop-Webhook-Id";
    public const string EventHeader = "Shop-Webhook-Event";

    /// <summary>How long an endpoint has to answer an attempt.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const int BatchSize = 32;

    // A slow endpoint holds one send for up to the timeout; the others of the batch go on meanwhile.
    private const int ParallelSends = 8;

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromHours(1);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<OrdersDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<WebhookDelivery>()
            .Include(d => d.Endpoint)
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return;
        }

        var outcomes = new Outcome[due.Count];
        await Parallel.ForAsync(0, due.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await SendAsync(due[i], token));
        for (var i = 0; i < due.Count; i++)
        {
            Record(due[i], outcomes[i]);
        }

        await SaveAsync(db, cancellationToken);
    }

    private async Task<Outcome> SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var endpoint = delivery.Endpoint ?? throw new UnreachableException("A delivery is read with its endpoint.");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json")
        };
        request.Headers.Add(IdHeader, delivery.EventId.ToString());
        request.Headers.Add(EventHeader, delivery.EventType);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(endpoint.Secret, clock.GetUtcNow(), delivery.Payload));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return new Outcome(status, response.IsSuccessStatusCode ? null : $"The endpoint answered {status}.");
        }
        catch (HttpRequestException exception)
        {
            return new Outcome(null, Reason(exception));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, $"The endpoint did not answer within {Timeout.TotalSeconds:0} seconds.");
        }
    }

    /// <summary>Why no answer came: the address policy's own words when it refused the connection.</summary>
    private static string Reason(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookAddressRefusedException refused)
            {
                return refused.Message;
            }
        }

        return exception.Message;
    }

    private void Record(WebhookDelivery delivery, Outcome outcome)
    {
        var now = clock.GetStoredNow().UtcDateTime;
        delivery.Attempts++;
        delivery.LastStatusCode = outcome.StatusCode;
        delivery.LastError = outcome.Error is { Length: > WebhookDelivery.MaxErrorLength } error ? error[..WebhookDelivery.MaxErrorLength] : outcome.Error;
        if (outcome.Error is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
            metrics.Delivered(delivery.EventType);
            return;
        }

        metrics.FailedAttempt(delivery.EventType);
        if (delivery.Attempts >= options.Value.MaxAttempts)
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
            metrics.GaveUp(delivery.EventType);
            LogGaveUp(delivery.Id, delivery.EventId, delivery.EventType, delivery.EndpointId, delivery.Attempts, delivery.LastError);
            return;
        }

        delivery.NextAttemptAt = now + Backoff(delivery.Attempts);
        LogAttemptFailed(delivery.Id, delivery.EventType, delivery.EndpointId, delivery.Attempts, delivery.LastError);
    }

    /// <summary>A second after the first failed attempt, doubling after each, up to an hour.</summary>
    public static TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failedAttempts - 1), LongestBackoff.TotalSeconds));

    private static async Task SaveAsync(OrdersDbContext db, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException exception)
            {
                // The endpoint was deleted during the pass, and its deliveries with it: the others are still saved.
                foreach (var entry in exception.Entries)
                {
                    entry.State = EntityState.Detached;
                }
            }
        }
    }

    // The endpoint's address is left out of the logs: a receiver may carry a token in it.
    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Webhook delivery {DeliveryId} ({EventType}) to endpoint {EndpointId} failed attempt {Attempts}: {LastError}")]
    private partial void LogAttemptFailed(int deliveryId, string eventType, int endpointId, int attempts, string? lastError);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Webhook delivery {DeliveryId} of event {EventId} ({EventType}) to endpoint {EndpointId} failed {Attempts} times and is given up: {LastError}")]
    private partial void LogGaveUp(int deliveryId, Guid eventId, string eventType, int endpointId, int attempts, string? lastError);

    private readonly record struct Outcome(int? StatusCode, string? Error);
}
