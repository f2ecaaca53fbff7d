using System.Net;
using Microsoft.Extensions.Options;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// When the orders service shows an order from its memory (see "The order cache" in docs/design.md): with its cache there
/// and <c>Ordering:OrderCacheTimeToLive</c> above zero, and never while the cache is away. A kept order is told from
/// the row by changing the row's currency behind the service.
/// </summary>
public sealed class OrderCacheSettingsTests
{
    /// <summary>
    /// A cache call that times out on a busy machine sends the service without the cache for <c>Cache:RetryInterval</c>,
    /// keeping nothing meanwhile: orders are placed until the service, with its cache again, shows one from memory.
    /// </summary>
    [Fact]
    public async Task WithItsCacheTheServiceShowsAnOrderItReadFromMemory()
    {
        // An order is kept for 10 s of the machine's time by default: a second read on a busy machine may come later.
        await using var orders = new OrdersServiceHost(withCache: true, ("Ordering:OrderCacheTimeToLive", "00:10:00"));
        await Eventually.HoldsAsync(async () => await CurrencyShownAfterTheRowChangedAsync(orders) == "EUR",
            "The orders service never showed an order from its memory.");
    }

    [Fact]
    public async Task WithTheCacheAwayEveryReadOfAnOrderGoesToTheDatabase()
    {
        await using var orders = new OrdersServiceHost(withCache: false);
        Assert.Equal(DatabaseBackdoor.ChangedCurrency, await CurrencyShownAfterTheRowChangedAsync(orders));
    }

    [Fact]
    public async Task AnOrderCacheTimeToLiveOfZeroKeepsNoOrder()
    {
        await using var orders = new OrdersServiceHost(withCache: true, ("Ordering:OrderCacheTimeToLive", "00:00:00"));
        Assert.Equal(DatabaseBackdoor.ChangedCurrency, await CurrencyShownAfterTheRowChangedAsync(orders));
    }

    [Fact]
    public async Task ANegativeOrderCacheTimeToLiveStopsTheServiceNamingIt()
    {
        await using var orders = new OrdersServiceHost(withCache: false, ("Ordering:OrderCacheTimeToLive", "-00:00:01"));

        var refused = Assert.Throws<OptionsValidationException>(() => orders.As(Caller.Anonymous));

        Assert.Contains("OrderCacheTimeToLive", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Places an order in EUR, reads it, changes its row's currency, and answers the currency a second read shows.</summary>
    private static async Task<string> CurrencyShownAfterTheRowChangedAsync(OrdersServiceHost orders)
    {
        var customer = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(currency: "EUR");
        using var client = orders.As(Caller.Customer(customer));
        var placed = await (await client.PlaceOrderAsync(null, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("EUR", (await client.GetAsync<OrderDto>($"/orders/{placed.Id}")).Currency);

        await orders.Database.ChangeOrderCurrencyAsync(placed.Id);

        return (await client.GetAsync<OrderDto>($"/orders/{placed.Id}")).Currency;
    }
}
