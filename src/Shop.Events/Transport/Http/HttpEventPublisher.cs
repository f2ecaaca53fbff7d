using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Shop.Events.Transport.Http;

/// <summary>
/// Delivers each event to every subscriber's <see cref="EventDeliveryApi.Path"/>, signed (<see cref="DeliverySignature"/>);
/// it is published when every subscriber answered 2xx. A subscriber that had it already answers 204 again (its inbox
/// keeps the event's id), so delivering again to all after one refused is safe.
/// </summary>
internal sealed class HttpEventPublisher(IHttpClientFactory clients, IOptions<HttpEventTransportOptions> options, DeliverySignature signature) : IEventPublisher
{
    /// <summary>The HttpClient of deliveries: the services' defaults (service discovery, timeouts, circuit breaker), and no token.</summary>
    public const string ClientName = "Shop.Events.Deliveries";

    public async Task PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var subscribers = options.Value.Subscribers;
        if (subscribers.Count == 0)
        {
            return;
        }

        var body = EventEnvelopeJson.Serialize(envelope);
        var header = signature.Sign(body);
        var client = clients.CreateClient(ClientName);
        var failures = (await Task.WhenAll(subscribers.Select(subscriber => DeliverAsync(client, subscriber, body, header, cancellationToken))))
            .OfType<string>()
            .ToList();
        if (failures.Count > 0)
        {
            throw new EventPublishException($"Event {envelope.Id} ({envelope.Type}) was not delivered: {string.Join("; ", failures)}.");
        }
    }

    /// <summary>Delivers to one subscriber; says why not, or null when it took the event.</summary>
    private static async Task<string?> DeliverAsync(HttpClient client, string subscriber, byte[] body, string header, CancellationToken cancellationToken)
    {
        // The same scheme preference as the services' other clients: https where the subscriber has it.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https+http://{subscriber}{EventDeliveryApi.Path}")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }
        };
        request.Headers.Add(DeliverySignature.HeaderName, header);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{subscriber} answered {(int)response.StatusCode}";
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{subscriber} could not be reached ({exception.GetBaseException().Message})";
        }
    }
}
