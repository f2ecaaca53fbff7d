using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shop.Events;
using Shop.OrderService.Data;
using Shop.OrderService.Webhooks;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// The webhook deliveries' tests run by themselves, after the tests that run at once: each attempt is a real request
/// with a real timeout, which the machine's busiest minutes (several topologies starting) made miss.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookDeliveryCollection
{
    public const string Name = "Webhook deliveries, by themselves";
}

/// <summary>
/// An order event becomes one delivery per subscribed endpoint, which the sender posts signed, retries with a doubling
/// backoff until the endpoint answers 2xx or the attempts run out, and posts again when an administrator replays it.
/// Each test runs an orders service of its own on a clock that only the test moves, and a receiver on loopback.
/// </summary>
[Collection(WebhookDeliveryCollection.Name)]
public sealed class WebhookDeliveryTests
{
    private const string Secret = "the receiver's secret, 16+ chars";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEndpointThatFailsThreeTimesGetsTheSignedEventAtTheFourthAttemptAndOnceMoreWhenReplayed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var orders = Orders(clock, ("Webhooks:AllowPrivateAddresses", "true"));
        await using var receiver = await Receiver.StartAsync(failures: 3);
        using var admin = orders.As(Caller.Admin());
        using var delivered = Collect(orders, "shop.webhooks.delivered");
        using var failed = Collect(orders, "shop.webhooks.failed_attempts");
        var endpoint = await RegisterAsync(admin, receiver.Url);
        var envelope = Envelope(new OrderConfirmed(42, 7, 30m, "EUR", clock.GetUtcNow()), clock);

        await EnqueueAsync(orders, envelope);
        var delivery = await UntilAsync(clock, admin, endpoint, d => d.Status == "Delivered");

        Assert.Equal((4, 204, null), (delivery.Attempts, delivery.LastStatusCode, delivery.LastError));
        Assert.Null(delivery.NextAttemptAt);
        Assert.NotNull(delivery.DeliveredAt);
        var attempts = receiver.Received;
        Assert.Equal(4, attempts.Count);
        Assert.All(attempts, attempt => AssertSignedEvent(attempt, envelope));
        // After each failure the next attempt waits 1 s, then 2 s, then 4 s.
        var sentAt = attempts.Select(a => a.Timestamp).ToList();
        Assert.Equal([true, true, true], [sentAt[1] - sentAt[0] >= 1, sentAt[2] - sentAt[1] >= 2, sentAt[3] - sentAt[2] >= 4]);
        Assert.Equal((1, 3), (Sum(delivered), Sum(failed)));

        var replay = await admin.PostAsync($"/webhooks/deliveries/{delivery.Id}/replay", null, Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var replayed = await UntilAsync(clock, admin, endpoint, d => d.Status == "Delivered" && d.Attempts == 1);
        Assert.Equal(5, receiver.Received.Count);
        AssertSignedEvent(receiver.Received[4], envelope);
        Assert.Equal(delivery.Id, replayed.Id);
        Assert.Equal(2, Sum(delivered));
    }

    /// <summary>
    /// The endpoint's address is loopback, stored as if it had resolved to a public address at registration (as a name
    /// rebound in DNS would): the connection itself is refused, and after the last attempt the delivery is Failed.
    /// </summary>
    [Fact]
    public async Task APrivateAddressIsRefusedWhenConnectingAndTheDeliveryFailsAfterItsLastAttempt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var orders = Orders(clock, ("Webhooks:AllowPrivateAddresses", "false"), ("Webhooks:MaxAttempts", "2"));
        await using var receiver = await Receiver.StartAsync(failures: 0);
        using var admin = orders.As(Caller.Admin());
        using var gaveUp = Collect(orders, "shop.webhooks.gave_up");
        var endpoint = await StoreEndpointAsync(orders, receiver.Url, clock);

        await EnqueueAsync(orders, Envelope(new OrderCancelled(43, 7, 30m, "EUR"), clock));
        var delivery = await UntilAsync(clock, admin, endpoint, d => d.Status == "Failed");

        Assert.Equal(2, delivery.Attempts);
        Assert.Null(delivery.LastStatusCode);
        Assert.Contains("not a public address", delivery.LastError);
        Assert.Empty(receiver.Received);
        Assert.Equal(1, Sum(gaveUp));
    }

    [Fact]
    public async Task AnEventBecomesOneDeliveryForEachEndpointSubscribedToItsTypeHoweverOftenItIsHandled()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var orders = Orders(clock, ("Webhooks:AllowPrivateAddresses", "true"));
        await using var receiver = await Receiver.StartAsync(failures: 0);
        using var admin = orders.As(Caller.Admin());
        var all = await RegisterAsync(admin, receiver.Url);
        var cancellations = await RegisterAsync(admin, receiver.Url, "order.cancelled");
        var confirmed = Envelope(new OrderConfirmed(44, 7, 30m, "EUR", clock.GetUtcNow()), clock);

        await EnqueueAsync(orders, confirmed);
        await EnqueueAsync(orders, confirmed);

        var delivery = Assert.Single((await DeliveriesAsync(admin, all)).Items);
        Assert.Equal((confirmed.Id, "order.confirmed"), (delivery.EventId, delivery.EventType));
        Assert.Empty((await DeliveriesAsync(admin, cancellations)).Items);
    }

    /// <summary>
    /// Receivers are not services of the shop: their addresses are not looked up in service discovery, the sender's own
    /// retries are the only ones, and a redirect is not followed past the address policy.
    /// </summary>
    [Fact]
    public async Task TheSendersClientHasNeitherServiceDiscoveryNorTheStandardResilienceAndFollowsNoRedirect()
    {
        await using var orders = Orders(new FakeTimeProvider(DateTimeOffset.UtcNow));

        var handlers = new List<HttpMessageHandler>();
        for (HttpMessageHandler? handler = orders.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(WebhookSender.HttpClientName);
             handler is not null; handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            handlers.Add(handler);
        }

        Assert.DoesNotContain(handlers, h => h.GetType().FullName!.Contains("Resilience", StringComparison.Ordinal)
            || h.GetType().FullName!.Contains("ServiceDiscovery", StringComparison.Ordinal));
        var primary = Assert.IsType<SocketsHttpHandler>(handlers[^1]);
        Assert.False(primary.AllowAutoRedirect);
        Assert.NotNull(primary.ConnectCallback);
    }

    [Fact]
    public void TheBackoffDoublesFromASecondUpToAnHour()
    {
        Assert.Equal([1, 2, 4, 8, 16, 32, 64], Enumerable.Range(1, 7).Select(n => WebhookSender.Backoff(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromHours(1), WebhookSender.Backoff(13));
        Assert.Equal(TimeSpan.FromHours(1), WebhookSender.Backoff(1000));
    }

    [Fact]
    public void TheSignatureIsTheHmacOfTheTimestampAndBodyThatAReceiverComputes()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
        const string body = """{"id":"0b5e6c1a-0000-4000-8000-000000000001","type":"order.cancelled"}""";

        var header = WebhookSignature.Sign(Secret, at, body);

        Assert.Equal($"t=1767225600,v1={ReceiverSignature(Secret, "1767225600", body)}", header);
        Assert.NotEqual(header, WebhookSignature.Sign(Secret, at, body + " "));
        Assert.NotEqual(header, WebhookSignature.Sign(Secret + "x", at, body));
    }

    private static OrdersServiceHost Orders(FakeTimeProvider clock, params (string Key, string Value)[] settings) => new(false, settings) { Clock = clock };

    /// <summary>What a receiver checks: the headers name the event, the signature verifies, and the body is the event.</summary>
    private static void AssertSignedEvent(Received received, EventEnvelope envelope)
    {
        Assert.Equal(envelope.Id.ToString(), received.Id);
        Assert.Equal(envelope.Type, received.Event);
        var parts = received.Signature!.Split(',').Select(part => part.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.True(CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(ReceiverSignature(Secret, parts["t"], received.Body)), Encoding.ASCII.GetBytes(parts["v1"])),
            "The signature does not verify.");
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal(envelope.Id, root.GetProperty("id").GetGuid());
        Assert.Equal(envelope.Type, root.GetProperty("type").GetString());
        Assert.Equal(envelope.Version, root.GetProperty("version").GetInt32());
        Assert.Equal(envelope.OccurredAt, root.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(envelope.Data.GetProperty("orderId").GetInt32(), root.GetProperty("data").GetProperty("orderId").GetInt32());
    }

    /// <summary>The signature as a receiver computes it, from the specification rather than from the service's code.</summary>
    private static string ReceiverSignature(string secret, string timestamp, string body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{timestamp}.{body}"))).ToLowerInvariant();
    }

    private static EventEnvelope Envelope<TEvent>(TEvent @event, TimeProvider clock) where TEvent : IIntegrationEvent =>
        new(Guid.NewGuid(), TEvent.Type, TEvent.Version, clock.GetUtcNow(), ShopServices.Orders, null, null,
            JsonSerializer.SerializeToElement(@event, JsonSerializerOptions.Web));

    /// <summary>Hands the event to the fan-out as the inbox does when it handles one.</summary>
    private static async Task EnqueueAsync(OrdersServiceHost orders, EventEnvelope envelope)
    {
        await using var scope = orders.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WebhookFanOut>().EnqueueAsync(envelope, Cancellation);
    }

    private static async Task<int> RegisterAsync(HttpClient admin, string url, params string[] events)
    {
        var response = await admin.PostAsJsonAsync("/webhooks", new { url, secret = Secret, events = events.Length > 0 ? events : null }, Cancellation);
        return (await response.ReadAsync<WebhookEndpointDto>(HttpStatusCode.Created)).Id;
    }

    /// <summary>Stores an endpoint past the registration's check of its address.</summary>
    private static async Task<int> StoreEndpointAsync(OrdersServiceHost orders, string url, TimeProvider clock)
    {
        await using var scope = orders.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var endpoint = new WebhookEndpoint { Url = url, Secret = Secret, EventTypes = [.. WebhookEventTypes.All], CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Add(endpoint);
        await db.SaveChangesAsync(Cancellation);
        return endpoint.Id;
    }

    private static async Task<PageDto<WebhookDeliveryDto>> DeliveriesAsync(HttpClient admin, int endpoint) =>
        await admin.GetAsync<PageDto<WebhookDeliveryDto>>($"/webhooks/{endpoint}/deliveries");

    /// <summary>Moves the clock on a second at a time until the endpoint's one delivery is as <paramref name="wanted"/>.</summary>
    private static Task<WebhookDeliveryDto> UntilAsync(FakeTimeProvider clock, HttpClient admin, int endpoint, Func<WebhookDeliveryDto, bool> wanted) =>
        Eventually.ReturnsAsync(async () =>
        {
            var delivery = Assert.Single((await DeliveriesAsync(admin, endpoint)).Items);
            if (wanted(delivery))
            {
                return delivery;
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            return null;
        }, "The delivery did not reach the state the test waits for.",
        // The attempts fall due on the fake clock; what takes real time is each pass and each request, which on a machine
        // starting several topologies at once can take seconds apiece.
        TimeSpan.FromMinutes(3));

    private static MetricCollector<long> Collect(OrdersServiceHost orders, string instrument) =>
        new(orders.Services.GetRequiredService<IMeterFactory>(), WebhookMetrics.MeterName, instrument);

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private sealed record WebhookDeliveryDto(
        int Id, Guid EventId, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError,
        DateTime? NextAttemptAt, DateTime CreatedAt, DateTime? DeliveredAt);

    /// <summary>One request as the receiver got it, with the signature's timestamp (seconds on the service's clock).</summary>
    private sealed record Received(string? Id, string? Event, string? Signature, string Body)
    {
        public long Timestamp => long.Parse(Signature!.Split(',')[0]["t=".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>A webhook receiver on a loopback port: it answers 500 to its first <c>failures</c> requests, then 204.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Received> _received = new();
        private int _failuresLeft;

        private Receiver(int failures)
        {
            _failuresLeft = failures;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/hook", ReceiveAsync);
        }

        public string Url => _app.Urls.Single() + "/hook";

        public IReadOnlyList<Received> Received => [.. _received];

        public static async Task<Receiver> StartAsync(int failures)
        {
            var receiver = new Receiver(failures);
            await receiver._app.StartAsync(Cancellation);
            return receiver;
        }

        private async Task<IResult> ReceiveAsync(HttpRequest request)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            _received.Enqueue(new Received(
                request.Headers[WebhookSender.IdHeader], request.Headers[WebhookSender.EventHeader], request.Headers[WebhookSignature.Header],
                await reader.ReadToEndAsync(request.HttpContext.RequestAborted)));
            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.NoContent();
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
