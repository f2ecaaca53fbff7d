using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology.Events;

/// <summary>
/// What the integration events do, on either transport: a cancel needs only the orders service, the stock comes back
/// once the products service handles the event, a repeat of an event does nothing more, a handler that keeps failing
/// leaves a dead letter that an administrator replays, and a deleted user is erased from the orders.
/// </summary>
public abstract class IntegrationEventTests(EventTopologyFixture fixture)
{
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected Task<ShopTopology> ShopAsync() => fixture.TopologyAsync();

    [Fact]
    public async Task ACancelWhileProductsIsStoppedAnswersAtOnceAndTheStockComesBackOnceItIsBack()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var order = await shop.PlacedOrderAsync(customer.Id, (product.Id, 3));

        await shop.StopResourceAsync(ShopServices.Products);
        try
        {
            var cancelled = await (await shop.As(Caller.Customer(customer.Id)).Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation))
                .ReadAsync<OrderDto>(HttpStatusCode.OK);
            Assert.Equal("Cancelled", cancelled.Status);
        }
        finally
        {
            await shop.StartResourceAsync(ShopServices.Products);
        }

        await shop.StockSettlesAtAsync(product.Id, 10);
        Assert.Equal("Released", (await shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{order.Id}")).Status);
    }

    [Fact]
    public async Task AnEventPublishedAgainHasNoSecondEffect()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var order = await shop.PlacedOrderAsync(customer.Id, (product.Id, 2));
        await CancelAsync(shop, customer.Id, order.Id);
        await shop.StockSettlesAtAsync(product.Id, 10);
        // Another order takes stock, so that a second release of the first would show as stock that was never given back.
        await shop.PlacedOrderAsync(customer.Id, (product.Id, 4));

        // As if the relay had stopped after the broker took the event and before it recorded that: it publishes it again.
        var orders = await shop.DatabaseAsync(ShopResources.OrdersDatabase);
        Assert.True(await orders.RepublishOrderEventAsync("order.cancelled", order.Id));
        await Eventually.HoldsAsync(async () => await orders.UnpublishedEventsAsync() == 0, "the relay publishes the event again");

        await shop.StockSettlesAtAsync(product.Id, 6);
        var products = await shop.DatabaseAsync(ShopResources.ProductsDatabase);
        Assert.Equal(1, await products.InboxCountAsync("order.cancelled", order.Id));
        var eventId = await products.InboxEventIdAsync("order.cancelled", order.Id);
        await Eventually.HoldsAsync(() => Task.FromResult(shop.ServiceLogText.Contains($"Event {eventId} of type order.cancelled is in the inbox already", StringComparison.Ordinal)),
            "the products service turns the repeat away");
    }

    [Fact]
    public async Task TheProductsServiceKilledMidTrafficLosesNoReleaseAndGivesNoneTwice()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 100);
        var placed = new List<OrderDto>();
        for (var i = 0; i < 12; i++)
        {
            placed.Add(await shop.PlacedOrderAsync(customer.Id, (product.Id, 1 + i % 3)));
        }

        var kept = await shop.PlacedOrderAsync(customer.Id, (product.Id, 5));
        var cancels = CancelAllAsync(shop, customer.Id, placed);
        await shop.KillResourceAsync(ShopServices.Products);
        await cancels;
        await shop.StartResourceAsync(ShopServices.Products);

        // Every cancelled order's stock comes back; the kept order's does not.
        await shop.StockSettlesAtAsync(product.Id, 95);
        foreach (var order in placed)
        {
            Assert.Equal("Released", (await shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{order.Id}")).Status);
        }

        Assert.Equal("Confirmed", (await shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{kept.Id}")).Status);
    }

    [Fact]
    public async Task AHandlerThatKeepsFailingIsDeadLetteredAndHandledOnceWhenReplayed()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var order = await shop.PlacedOrderAsync(customer.Id, (product.Id, 3));
        var products = await shop.DatabaseAsync(ShopResources.ProductsDatabase);
        await products.RefuseReservationChangesAsync(order.Id);
        try
        {
            await CancelAsync(shop, customer.Id, order.Id);

            var deadLetter = await Eventually.ReturnsAsync(() => DeadLetterOfAsync(shop, order.Id),
                "the event is dead-lettered after its retries");
            Assert.Equal(("order.cancelled", EventTopologyFixture.MaxAttempts), (deadLetter.Type, deadLetter.Attempts));
            Assert.Contains("may not change", deadLetter.LastError);
            Assert.Equal(7, await shop.StockAsync(product.Id));

            await products.AllowReservationChangesAsync();
            var replay = await shop.As(Caller.Admin()).Products.PostAsync(
                $"/events/dead-letters/{deadLetter.EventId}/replay", null, Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }
        catch
        {
            await products.AllowReservationChangesAsync();
            throw;
        }

        await shop.StockSettlesAtAsync(product.Id, 10);
        Assert.Null(await DeadLetterOfAsync(shop, order.Id));
    }

    [Fact]
    public async Task ADeadLetterIsForAdministratorsOnly()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();

        var list = await shop.As(Caller.Customer(customer.Id)).Products.GetAsync("/events/dead-letters", Cancellation);
        var replay = await shop.As(Caller.Customer(customer.Id)).Products.PostAsync($"/events/dead-letters/{Guid.NewGuid()}/replay", null, Cancellation);
        var unknown = await shop.As(Caller.Admin()).Products.PostAsync($"/events/dead-letters/{Guid.NewGuid()}/replay", null, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ADeletedUsersOpenOrdersAreCancelledAndNoOrderNamesThemAnyMore()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var open = await shop.PlacedOrderAsync(customer.Id, (product.Id, 2));
        var earlier = await shop.PlacedOrderAsync(customer.Id, (product.Id, 3));
        await CancelAsync(shop, customer.Id, earlier.Id);
        await shop.StockSettlesAtAsync(product.Id, 8);

        var delete = await shop.As(Caller.Admin()).Users.DeleteAsync($"/users/{customer.Id}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Eventually.HoldsAsync(async () => (await shop.OrdersOfAsync(customer.Id)).Items.Count == 0, "the orders no longer name the person");
        await shop.StockSettlesAtAsync(product.Id, 10);
        var erased = await shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{open.Id}");
        Assert.Equal(("Cancelled", null, "Deleted"), (erased.Status, erased.User, erased.UserStatus));
        Assert.Equal(open.Total, erased.Total);
        Assert.Equal("Cancelled", (await shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{earlier.Id}")).Status);
        Assert.False(await (await shop.CacheAsync()).KeyExistsAsync(UserCacheEntry.Key(customer.Id)));
    }

    [Fact]
    public async Task AWebhookReceiverThatFailsThreeTimesGetsTheEventOnceMoreWithAValidSignature()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        await using var receiver = await WebhookReceiver.StartAsync(failures: 3);
        var secret = $"webhook-secret-{Guid.NewGuid():N}";
        var endpoint = await (await shop.As(Caller.Admin()).Orders.PostAsJsonAsync("/webhooks",
            new { url = receiver.Url, secret, events = new[] { "order.confirmed" } }, Cancellation)).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var endpointId = endpoint.GetProperty("id").GetInt32();
        try
        {
            var order = await shop.PlacedOrderAsync(customer.Id, (product.Id, 1));

            var deliveries = await Eventually.ReturnsAsync(() => Task.FromResult(
                receiver.Received.Where(d => OrderIdOf(d.Body) == order.Id).ToList() is { Count: >= 4 } received ? received : null),
                "the receiver is sent the event until it answers 2xx, the fourth time");

            Assert.Single(deliveries.Select(d => d.EventId).Distinct());
            Assert.All(deliveries, d =>
            {
                Assert.Equal("order.confirmed", d.EventType);
                Assert.True(SignatureHolds(secret, d.Signature, d.Body), $"The signature '{d.Signature}' does not verify.");
                using var body = JsonDocument.Parse(d.Body);
                Assert.Equal(d.EventId, body.RootElement.GetProperty("id").GetString());
                Assert.Equal(order.Total, body.RootElement.GetProperty("data").GetProperty("total").GetDecimal());
            });
            var log = await shop.As(Caller.Admin()).Orders.GetAsync<JsonElement>($"/webhooks/{endpointId}/deliveries");
            var delivery = Assert.Single(log.GetProperty("items").EnumerateArray(), d => d.GetProperty("eventId").GetString() == deliveries[0].EventId);
            Assert.Equal(("Delivered", 4), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32()));
            await Eventually.HoldsThroughoutAsync(() => Task.FromResult(receiver.Received.Count(d => OrderIdOf(d.Body) == order.Id) == 4),
                "a delivered event is not sent again", TimeSpan.FromSeconds(3));
        }
        finally
        {
            await shop.As(Caller.Admin()).Orders.DeleteAsync($"/webhooks/{endpointId}", Cancellation);
        }
    }

    protected static async Task CancelAsync(ShopTopology shop, int customerId, int orderId) =>
        Assert.Equal("Cancelled", (await (await shop.As(Caller.Customer(customerId)).Orders.PostAsync($"/orders/{orderId}/cancel", null, Cancellation))
            .ReadAsync<OrderDto>(HttpStatusCode.OK)).Status);

    /// <summary>Cancels the orders one after another; each cancel answers Cancelled whatever the products service is doing.</summary>
    protected static async Task CancelAllAsync(ShopTopology shop, int customerId, IEnumerable<OrderDto> orders)
    {
        foreach (var order in orders)
        {
            await CancelAsync(shop, customerId, order.Id);
        }
    }

    private static int OrderIdOf(string webhookBody)
    {
        using var body = JsonDocument.Parse(webhookBody);
        return body.RootElement.GetProperty("data").GetProperty("orderId").GetInt32();
    }

    /// <summary>Checks a <c>Shop-Webhook-Signature</c> as a receiver would: HMAC-SHA256 of "{t}.{body}" with the secret.</summary>
    private static bool SignatureHolds(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(part => part.Split('=', 2)).ToDictionary(part => part[0], part => part[1]);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{body}"));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"]))
            && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(parts["t"], CultureInfo.InvariantCulture)) < 300;
    }

    /// <summary>The products service's dead letter of the event about <paramref name="orderId"/>, or null.</summary>
    private static async Task<DeadLetterDto?> DeadLetterOfAsync(ShopTopology shop, int orderId) =>
        (await shop.As(Caller.Admin()).Products.GetAsync<PageDto<DeadLetterDto>>("/events/dead-letters?pageSize=100")).Items
            .SingleOrDefault(deadLetter => deadLetter.Data.GetProperty("orderId").GetInt32() == orderId);

    private sealed record DeadLetterDto(Guid EventId, string Type, int Attempts, string? LastError, JsonElement Data);
}

[Collection(BrokerEventsCollection.Name)]
public sealed class IntegrationEventsThroughRabbitMqTests(BrokerEventsFixture fixture) : IntegrationEventTests(fixture)
{
    [Fact]
    public async Task TheBrokerKilledWhileOrdersArePlacedAndCancelledLosesAndRepeatsNothing()
    {
        var shop = await ShopAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 200);
        var before = new List<OrderDto>();
        for (var i = 0; i < 6; i++)
        {
            before.Add(await shop.PlacedOrderAsync(customer.Id, (product.Id, 2)));
        }

        var cancels = CancelAllAsync(shop, customer.Id, before);
        await shop.KillResourceAsync(ShopResources.Events);
        await cancels;
        // While the broker is away, orders are still placed and cancelled: their events wait in the outbox.
        var during = new List<OrderDto>();
        for (var i = 0; i < 6; i++)
        {
            during.Add(await shop.PlacedOrderAsync(customer.Id, (product.Id, 3)));
        }

        await CancelAllAsync(shop, customer.Id, during.Take(4));
        await shop.StartResourceAsync(ShopResources.Events);

        // Every cancelled order's stock comes back once the broker is; the last two placed while it was away are kept.
        await shop.StockSettlesAtAsync(product.Id, 194);
        Assert.Equal(0, await (await shop.DatabaseAsync(ShopResources.OrdersDatabase)).UnpublishedEventsAsync());
    }
}

[Collection(HttpEventsCollection.Name)]
public sealed class IntegrationEventsOverHttpTests(HttpEventsFixture fixture) : IntegrationEventTests(fixture);
