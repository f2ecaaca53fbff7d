using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shop.Events;
using Shop.Events.Inbox;
using Shop.Events.Transport;
using Shop.Events.Transport.Http;
using Shop.ServiceDefaults.Errors;

namespace Shop.Tests.Unit;

/// <summary>The HTTP transport's receiving end, in process, with the services' problem details and a receiver of the test's own.</summary>
public sealed class EventTransportDeliveryTests : IAsyncLifetime
{
    private const string Secret = "a-delivery-secret-of-some-length";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingReceiver receiver = new();
    private WebApplication? app;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.AddDefaultProblemDetails();
        builder.AddStrictInput();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(new DeliverySignature(Secret, clock));
        builder.Services.AddSingleton<IEventReceiver>(receiver);
        builder.Services.AddSingleton<IServiceDatabase, OutageDatabase>();
        app = builder.Build();
        app.UseDefaultProblemDetails();
        app.MapEventDeliveryApi();
        await app.StartAsync();
        client = app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASignedDeliveryReachesTheInboxAndIsAnswered204()
    {
        var envelope = Envelope();

        using var response = await client.SendAsync(Delivery(EventEnvelopeJson.Serialize(envelope)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(receiver.Received);
        Assert.Equal(envelope.Id, received.Id);
        Assert.Equal(envelope.Type, received.Type);
        Assert.Equal(7, received.Data.GetProperty("orderId").GetInt32());
    }

    [Fact]
    public async Task AnUnsignedDeliveryIsRefusedWith401ProblemAndNeverReachesTheInbox()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EventDeliveryApi.Path) { Content = Json(EventEnvelopeJson.Serialize(Envelope())) };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task ADeliveryWhoseBodyWasChangedAfterSigningIsRefusedWith401Problem()
    {
        var body = EventEnvelopeJson.Serialize(Envelope());
        using var request = Delivery(body);
        request.Content = Json(EventEnvelopeJson.Serialize(Envelope() with { Type = OrderConfirmed.Type }));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task ADeliverySignedMoreThanFiveMinutesAgoIsRefusedWith401Problem()
    {
        using var request = Delivery(EventEnvelopeJson.Serialize(Envelope()));
        clock.Advance(TimeSpan.FromMinutes(6));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("5 minutes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignedBodyThatIsNoEnvelopeIsRefusedWith400ValidationProblem()
    {
        using var response = await client.SendAsync(Delivery("""{"type":"order.cancelled","version":1}"""u8.ToArray()), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("Id", out _));
        Assert.True(errors.TryGetProperty("Data", out _));
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task ADeliveryTheInboxCannotRecordIsAnswered503WithRetryAfter()
    {
        receiver.DatabaseAway = true;

        using var response = await client.SendAsync(Delivery(EventEnvelopeJson.Serialize(Envelope())), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(OutageDatabase.DatabaseName, problem.GetProperty("dependency").GetString());
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedWith413Problem()
    {
        var body = Encoding.UTF8.GetBytes(new string(' ', EventDeliveryApi.BodyLimit + 1));

        using var response = await client.SendAsync(Delivery(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(receiver.Received);
    }

    private HttpRequestMessage Delivery(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, EventDeliveryApi.Path) { Content = Json(body) };
        request.Headers.Add(DeliverySignature.HeaderName, new DeliverySignature(Secret, clock).Sign(body));
        return request;
    }

    private static ByteArrayContent Json(byte[] body) =>
        new(body) { Headers = { ContentType = new("application/json") } };

    private EventEnvelope Envelope() => new(
        Guid.Parse("5f0c3c1e-3f7a-4a53-9f55-1b1f0b1c2d3e"), OrderCancelled.Type, 1, clock.GetUtcNow(), ShopServices.Orders,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null, JsonSerializer.SerializeToElement(new { orderId = 7 }));

    private sealed class RecordingReceiver : IEventReceiver
    {
        public List<EventEnvelope> Received { get; } = [];

        public bool DatabaseAway { get; set; }

        public IReadOnlyCollection<string> HandledTypes { get; } = [OrderCancelled.Type];

        public Task<ReceiveOutcome> ReceiveAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            if (DatabaseAway)
            {
                throw new TimeoutException("The database did not answer.");
            }

            Received.Add(envelope);
            return Task.FromResult(ReceiveOutcome.Handled);
        }
    }

    private sealed class OutageDatabase : IServiceDatabase
    {
        public const string DatabaseName = ShopResources.OrdersDatabase;

        public string Name => DatabaseName;

        public bool IsOutage(Exception exception) => exception is TimeoutException;
    }
}
