using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Two replicas of every service: whatever replica a request reaches, the shop behaves as one. The tests address the
/// replicas one by one, past the orchestrator's proxy, so that they choose which replica does what.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class ReplicaTests(ReplicaTopologyFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenFromEitherUsersReplicaIsAcceptedByEveryReplicaOfEveryService()
    {
        var shop = await fixture.TopologyAsync();
        var (user, password) = await RegisterAsync(shop);
        var product = await shop.CreateProductAsAdminAsync();
        var issuers = await shop.ReplicasAsync(ShopServices.Users);
        Assert.Equal(ReplicaTopologyFixture.Replicas, issuers.Count);

        foreach (var issuer in issuers)
        {
            using var anonymous = ShopTopology.ClientOf(issuer);
            var token = await ShopTopology.SignInAsync(anonymous, user.Email, password);
            var order = await (await shop.SessionWith(token).Orders.PlaceOrderAsync(null, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

            foreach (var (service, path) in new[] { (ShopServices.Users, $"/users/{user.Id}"), (ShopServices.Products, $"/products/{product.Id}"), (ShopServices.Orders, $"/orders/{order.Id}") })
            {
                foreach (var replica in await shop.ReplicasAsync(service))
                {
                    using var client = ShopTopology.ClientOf(replica, token);
                    var response = await client.GetAsync(path, Cancellation);
                    Assert.True(response.StatusCode == HttpStatusCode.OK,
                        $"{replica.Id} answered {(int)response.StatusCode} to a token from {issuer.Id}: {await response.Content.ReadAsStringAsync(Cancellation)}");
                }
            }
        }
    }

    [Fact]
    public async Task WrongPasswordsAlternatingBetweenUsersReplicasMeetTheLimitOfFailuresPerAccountAndAddressAtTheSixth()
    {
        var shop = await fixture.TopologyAsync();
        var (user, password) = await RegisterAsync(shop);
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Users);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var guess = await clients[attempt].RequestTokenAsync(user.Email, $"guess {attempt}");
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        var sixth = await clients[5].RequestTokenAsync(user.Email, "guess 5");
        await sixth.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(sixth.Headers.RetryAfter?.Delta);
        // The failures are this address's, wherever its next attempt goes and whatever its password.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await clients[6].RequestTokenAsync(user.Email, password)).StatusCode);
    }

    [Fact]
    public async Task TwoHundredOrdersSpreadOverTheReplicasForFiftyInStockSellExactlyFifty()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 50);
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => clients[i].PlaceOrderAsync(null, (product.Id, 1))));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 50, [HttpStatusCode.Conflict] = 150 },
            responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(0, await shop.StockAsync(product.Id));
        Assert.Equal(50, (await shop.OrdersOfAsync(user.Id)).Items.Count(o => o.Status == "Confirmed"));
    }

    /// <summary>
    /// Each replica of the orders service sends the orders it places together to the products replicas in one call, and
    /// those calls race for the same rows, each deciding on the stock it read: each order is still held whole or not at
    /// all, and nothing is oversold.
    /// </summary>
    [Fact]
    public async Task OrdersOfTwoProductsInEitherOrderSpreadOverTheReplicasAreEachHeldWholeOrNotAtAll()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var plenty = await shop.CreateProductAsAdminAsync(stock: 40);
        var scarce = await shop.CreateProductAsAdminAsync(stock: 25);
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => i % 2 == 0
            ? clients[i].PlaceOrderAsync(null, (plenty.Id, 1), (scarce.Id, 1))
            : clients[i].PlaceOrderAsync(null, (scarce.Id, 1), (plenty.Id, 1))));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 25, [HttpStatusCode.Conflict] = 175 },
            responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal((15, 0), (await shop.StockAsync(plenty.Id), await shop.StockAsync(scarce.Id)));
        var confirmed = (await shop.OrdersOfAsync(user.Id)).Items.Where(o => o.Status == "Confirmed").ToList();
        Assert.Equal(25, confirmed.Count);
        Assert.All(confirmed, order => Assert.Equal([plenty.Id, scarce.Id], order.Lines.Select(l => l.ProductId).Order()));
    }

    [Fact]
    public async Task TwentyRepeatsOfOneIdempotencyKeySpreadOverTheReplicasPlaceOneOrder()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 100);
        var key = Guid.NewGuid().ToString("N");
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => clients[i].PlaceOrderAsync(key, (product.Id, 2))));

        var orders = await Task.WhenAll(responses.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created)));
        Assert.Single(orders.Select(o => o.Id).Distinct());
        Assert.Equal(1, (await shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(98, await shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task OrdersLeftPendingAreEachRecoveredOnceThoughEveryReplicaRunsRecovery()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var orders = await shop.DatabaseAsync(ShopResources.OrdersDatabase);
        var held = await orders.InsertStrandedOrderAsync(user.Id, product.Id, product.Price, 3, DatabaseBackdoor.NotDueUntilBackdated);
        var reserve = await shop.As(Caller.Service()).Products.ReserveAsync(held, (product.Id, 3));
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);
        var undone = await orders.InsertStrandedOrderAsync(user.Id, product.Id, product.Price, 2, DatabaseBackdoor.LongAgo);
        // Both are due at the next pass of either replica.
        await orders.BackdateOrderAsync(held, DatabaseBackdoor.LongAgo);

        var confirmed = $"Recovered order {held}:";
        var undoneLine = $"Undid order {undone}:";
        (string Method, string Path)[] calls =
        [
            ("GET", $"/reservations/{held}"), ("POST", $"/reservations/{held}/confirm"),
            ("GET", $"/reservations/{undone}"), ("POST", $"/reservations/{undone}/release")
        ];
        await Eventually.HoldsAsync(() => Task.FromResult(shop.ServiceLogText.Contains(confirmed, StringComparison.Ordinal)
            && shop.ServiceLogText.Contains(undoneLine, StringComparison.Ordinal)
            && calls.All(call => CallsTo(shop, call.Method, call.Path) > 0)), "Recovery did not finish both orders.");

        // One pass of one replica took each order over: the products service was asked once about each, and once to
        // confirm or release it; and so it stays over ten more passes of each replica, which a second take-over would show in.
        await Eventually.HoldsThroughoutAsync(() => Task.FromResult(
                calls.All(call => CallsTo(shop, call.Method, call.Path) == 1)
                && (Occurrences(shop.ServiceLogText, confirmed), Occurrences(shop.ServiceLogText, undoneLine)) == (1, 1)),
            $"An order was recovered twice: {string.Join(", ", calls.Select(call => $"{call.Method} {call.Path} {CallsTo(shop, call.Method, call.Path)} times"))}.",
            during: 10 * ReplicaTopologyFixture.RecoveryInterval);

        Assert.Equal("Confirmed", (await shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{held}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await shop.As(Caller.Customer(user.Id)).Orders.GetAsync($"/orders/{undone}", Cancellation)).StatusCode);
        Assert.Equal(7, await shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task AnInvalidationMissedByAUsersReplicaThatThenDiesStillReachesTheCache()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync("Rosa");
        var customer = shop.As(Caller.Customer(user.Id));
        await customer.Users.GetAsync<UserDto>($"/users/{user.Id}");
        var cache = await shop.CacheAsync();
        Assert.True(await cache.KeyExistsAsync(UserCacheEntry.Key(user.Id)));
        var replica = (await shop.ReplicasAsync(ShopServices.Users))[0];

        var users = await shop.DatabaseAsync(ShopResources.UsersDatabase);
        async Task<long> MissedInvalidationsAsync() => Convert.ToInt64(
            await users.ExecuteAsync("""SELECT count(*) FROM "CacheInvalidations" WHERE "UserId" = @user""", ("user", user.Id)),
            System.Globalization.CultureInfo.InvariantCulture);

        await shop.FreezeResourceAsync(ShopResources.Cache);
        try
        {
            using var client = ShopTopology.ClientOf(replica, customer.AccessToken);
            var update = await client.PutAsJsonAsync($"/users/{user.Id}", new { name = "Rosa Lind", email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            await shop.KillReplicaAsync(ShopServices.Users, replica);
            // What the dead replica could not deliver is in the database, not in its memory.
            Assert.Equal(1, await MissedInvalidationsAsync());
        }
        finally
        {
            await shop.ThawResourceAsync(ShopResources.Cache);
        }

        try
        {
            // The replica that missed the invalidation is gone; the other sends it, from the database, and only then
            // removes the record (a command the dead one left in the frozen cache's socket does not remove it).
            await Eventually.HoldsAsync(async () => await MissedInvalidationsAsync() == 0,
                "The surviving replica did not send the recorded invalidation.");
            await Eventually.HoldsAsync(async () => await cache.StringGetAsync(UserCacheEntry.Key(user.Id)) is var entry
                && (entry.IsNull || entry.ToString().Contains("Rosa Lind", StringComparison.Ordinal)),
                "The cache kept the user's old copy after the update.");
            Assert.Equal("Rosa Lind", (await customer.Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
        }
        finally
        {
            await shop.StartReplicaAsync(ShopServices.Users, replica, ReplicaTopologyFixture.Replicas);
            await shop.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders);
        }
    }

    [Fact]
    public async Task ASigningKeyRotatedWhileOrdersArePlacedLeavesEveryTokenGoodEverywhere()
    {
        var shop = await fixture.TopologyAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 100_000);
        var early = await shop.CreateCustomerAsync();
        var oldKey = KeyIdOf(shop.As(Caller.Customer(early.Id)).AccessToken!);

        using var stop = new CancellationTokenSource();
        var refused = new ConcurrentQueue<string>();
        var placedByKey = new ConcurrentDictionary<string, int>();
        // Customers signed in before the rotation and during it place orders throughout.
        var placing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var fresh = await shop.CreateCustomerAsync();
                foreach (var customer in new[] { early.Id, fresh.Id })
                {
                    var response = await shop.PlaceOrderAsync(customer, (product.Id, 1));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        placedByKey.AddOrUpdate(KeyIdOf(shop.As(Caller.Customer(customer)).AccessToken!), 1, (_, placed) => placed + 1);
                    }
                    else
                    {
                        refused.Enqueue($"{(int)response.StatusCode} for a token of {KeyIdOf(shop.As(Caller.Customer(customer)).AccessToken!)}: {await response.Content.ReadAsStringAsync(Cancellation)}");
                    }
                }
            }
        }, Cancellation);

        var added = await (await shop.As(Caller.Admin()).Users.PostAsync("/signing-keys", null, Cancellation)).ReadAsync<SigningKeyDto>(HttpStatusCode.Created);
        Assert.Equal(("pending", true), (added.State, added.ActivatesAt > added.CreatedAt));
        // Published at once beside the key in use, by every users replica...
        await Eventually.HoldsAsync(async () => (await PublishedKeysAsync(shop)).All(keys => keys.IsSupersetOf([oldKey, added.KeyId])),
            "The new key was not published beside the old one.");
        // ...and signing once its time has come.
        var late = await Eventually.ReturnsAsync(async () =>
        {
            var customer = await shop.CreateCustomerAsync();
            return KeyIdOf(shop.As(Caller.Customer(customer.Id)).AccessToken!) == added.KeyId ? customer : null;
        }, "No token was signed with the new key.");
        // Orders go on after the rotation, with tokens of the old key and of the new.
        var placedWithOldKey = placedByKey.GetValueOrDefault(oldKey);
        await Eventually.HoldsAsync(() => Task.FromResult(
                placedByKey.GetValueOrDefault(oldKey) > placedWithOldKey && placedByKey.GetValueOrDefault(added.KeyId) > 0),
            $"No order was placed with both keys' tokens after the rotation: {string.Join(", ", placedByKey)}.");
        await stop.CancelAsync();
        await placing;

        Assert.Empty(refused);
        // Tokens of both keys are good at every replica of every service, and the old key stays published for them.
        foreach (var customer in new[] { early, late })
        {
            foreach (var service in ShopServices.All)
            {
                foreach (var replica in await shop.ReplicasAsync(service))
                {
                    using var client = ShopTopology.ClientOf(replica, shop.As(Caller.Customer(customer.Id)).AccessToken);
                    var path = service == ShopServices.Products ? $"/products/{product.Id}" : service == ShopServices.Users ? $"/users/{customer.Id}" : "/orders";
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, Cancellation)).StatusCode);
                }
            }
        }

        Assert.All(await PublishedKeysAsync(shop), keys => Assert.Superset(new HashSet<string> { oldKey, added.KeyId }, keys));
        var states = await shop.As(Caller.Admin()).Users.GetAsync<List<SigningKeyDto>>("/signing-keys");
        Assert.Equal(["retiring", "signing"], states.Where(k => k.KeyId == oldKey || k.KeyId == added.KeyId).OrderBy(k => k.ActivatesAt).Select(k => k.State));
    }

    [Fact]
    public async Task StoppingAProductsReplicaBehindTheProxyDuringTrafficFailsNoOrder()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 100_000);
        var replica = (await shop.ReplicasAsync(ShopServices.Products))[0];
        var answers = new ConcurrentQueue<(HttpStatusCode Status, TimeSpan Started, TimeSpan Ended)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();

        // Two customers' worth of traffic at once, before, while and after the replica stops.
        var traffic = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                var response = await shop.PlaceOrderAsync(user.Id, (product.Id, 1));
                answers.Enqueue((response.StatusCode, started, clock.Elapsed));
            }
        }, Cancellation)).ToList();
        TimeSpan stopping, stopped;
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(answers.Count >= 10), "No order was placed before the replica stopped.");
            stopping = clock.Elapsed;
            await shop.StopReplicaAsync(ShopServices.Products, replica);
            stopped = clock.Elapsed;
            await Eventually.HoldsAsync(() => Task.FromResult(answers.Count(answer => answer.Started > stopped) >= 10),
                "No order was placed after the replica stopped.");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(traffic);
            await shop.StartReplicaAsync(ShopServices.Products, replica, ReplicaTopologyFixture.Replicas);
        }

        // Orders were in flight while the replica stopped; every call it would have taken went to the other, at the
        // cost of one attempt at most.
        Assert.Contains(answers, answer => answer.Started < stopped && answer.Ended > stopping);
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
        var slowest = answers.Max(answer => answer.Ended - answer.Started);
        Assert.True(slowest < ReplicaTopologyFixture.AttemptTimeout, $"An order took {slowest} while a products replica stopped.");
        Assert.Equal(100_000 - answers.Count, await shop.StockAsync(product.Id));

        // The next test meets orders replicas that reach the restarted products replica again, not ones still going without it.
        using var ordersReplicas = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);
        foreach (var request in Enumerable.Range(0, ReplicaTopologyFixture.Replicas))
        {
            await Eventually.HoldsAsync(async () => (await ordersReplicas[request].PlaceOrderAsync(null, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
                "An orders replica did not place orders again after the products replica restarted.");
        }
    }

    [Fact]
    public async Task AnOrderKeptByEveryOrdersReplicaIsShownCancelledByEveryReplicaOnceOneCancelsIt()
    {
        var shop = await fixture.TopologyAsync();
        var (order, replicas) = await OrderKeptByEveryReplicaAsync(shop);
        using var _ = replicas;

        var cancel = await replicas[0].PostAsync($"/orders/{order.Id}/cancel", null, Cancellation);

        Assert.Equal("Cancelled", (await cancel.ReadAsync<OrderDto>(HttpStatusCode.OK)).Status);
        for (var replica = 0; replica < ReplicaTopologyFixture.Replicas; replica++)
        {
            var read = await replicas[replica].GetAsync<OrderDto>($"/orders/{order.Id}");
            Assert.Equal(("Cancelled", DatabaseBackdoor.ChangedCurrency), (read.Status, read.Currency));
        }
    }

    [Fact]
    public async Task AnOrderCancelledWhileTheCacheHangsIsShownCancelledByEveryReplicaOnceTheCacheIsBack()
    {
        var shop = await fixture.TopologyAsync();
        var (order, replicas) = await OrderKeptByEveryReplicaAsync(shop);
        using var _ = replicas;

        await shop.FreezeResourceAsync(ShopResources.Cache);
        try
        {
            var cancel = await replicas[0].PostAsync($"/orders/{order.Id}/cancel", null, Cancellation);
            Assert.Equal("Cancelled", (await cancel.ReadAsync<OrderDto>(HttpStatusCode.OK)).Status);
            Assert.Contains($"The cache did not take the change of order {order.Id};", shop.ServiceLogText, StringComparison.Ordinal);
        }
        finally
        {
            await shop.ThawResourceAsync(ShopResources.Cache);
        }

        await shop.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders);
        // The other replica kept the order, did not read it while the cache hung, and would keep it for minutes more.
        await Eventually.HoldsAsync(async () => (await replicas[1].GetAsync<OrderDto>($"/orders/{order.Id}")).Status == "Cancelled",
            "The other replica still showed the order as Confirmed after the cache came back.");
        Assert.Equal(DatabaseBackdoor.ChangedCurrency, (await replicas[1].GetAsync<OrderDto>($"/orders/{order.Id}")).Currency);
    }

    [Fact]
    public async Task AnOrderCancelledBeforeTheCacheRestartsIsShownCancelledByEveryReplicaAfterIt()
    {
        var shop = await fixture.TopologyAsync();
        var (order, replicas) = await OrderKeptByEveryReplicaAsync(shop);
        using var _ = replicas;
        var cancel = await replicas[0].PostAsync($"/orders/{order.Id}/cancel", null, Cancellation);
        Assert.Equal("Cancelled", (await cancel.ReadAsync<OrderDto>(HttpStatusCode.OK)).Status);

        // The restarted cache has lost the cancel's mark; the other replica has not read the order since.
        await shop.StopResourceAsync(ShopResources.Cache);
        await shop.StartResourceAsync(ShopResources.Cache);
        await shop.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders);

        var read = await replicas[1].GetAsync<OrderDto>($"/orders/{order.Id}");
        Assert.Equal(("Cancelled", DatabaseBackdoor.ChangedCurrency), (read.Status, read.Currency));
    }

    /// <summary>
    /// A Confirmed order that every orders replica has read and keeps: its row's currency is then changed to
    /// <see cref="DatabaseBackdoor.ChangedCurrency"/>, and every replica still shows the currency it was placed in. Clients of the
    /// replicas carry the customer's token. A replica keeps what it reads only while it reaches the cache, whose marks
    /// tell it of a change made elsewhere; after a test that disturbed the cache, a replica may still be going without
    /// it for a while (<c>Cache:RetryInterval</c>), so orders are placed until every replica keeps one.
    /// </summary>
    private static async Task<(OrderDto Order, ReplicaClients Replicas)> OrderKeptByEveryReplicaAsync(ShopTopology shop)
    {
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 1_000);
        var database = await shop.DatabaseAsync(ShopResources.OrdersDatabase);
        var replicas = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);
        try
        {
            var order = await Eventually.ReturnsAsync(async () =>
            {
                var placed = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
                for (var replica = 0; replica < ReplicaTopologyFixture.Replicas; replica++)
                {
                    await replicas[replica].GetAsync<OrderDto>($"/orders/{placed.Id}");
                }

                await database.ChangeOrderCurrencyAsync(placed.Id);
                for (var replica = 0; replica < ReplicaTopologyFixture.Replicas; replica++)
                {
                    var read = await replicas[replica].GetAsync<OrderDto>($"/orders/{placed.Id}");
                    if ((read.Status, read.Currency) != ("Confirmed", product.Currency))
                    {
                        return null;
                    }
                }

                return placed;
            }, "Not every orders replica kept an order it had read.");
            return (order, replicas);
        }
        catch
        {
            replicas.Dispose();
            throw;
        }
    }

    /// <summary>The key ids each users replica publishes.</summary>
    private static async Task<IReadOnlyList<HashSet<string>>> PublishedKeysAsync(ShopTopology shop)
    {
        var published = new List<HashSet<string>>();
        foreach (var replica in await shop.ReplicasAsync(ShopServices.Users))
        {
            using var client = ShopTopology.ClientOf(replica);
            var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks", Cancellation)).RootElement;
            published.Add([.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)]);
        }

        return published;
    }

    /// <summary>The id of the key that signed a token, from its header.</summary>
    private static string KeyIdOf(string token) =>
        JsonDocument.Parse(Base64UrlDecode(token.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;

    private static byte[] Base64UrlDecode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + (4 - text.Length % 4) % 4, '='));

    /// <summary>How many requests for <paramref name="method"/> <paramref name="path"/> the products replicas have logged.</summary>
    private static int CallsTo(ShopTopology shop, string method, string path) =>
        Regex.Count(shop.ServiceLogText, $@"Request starting HTTP/\S+ {method} http://[^/\s]+{Regex.Escape(path)} ");

    private static int Occurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    /// <summary>Registers a customer without signing in, so that no attempt counts against their account yet.</summary>
    private static async Task<(UserDto User, string Password)> RegisterAsync(ShopTopology shop)
    {
        var password = Guid.NewGuid().ToString("N");
        return (await shop.As(Caller.Anonymous).Users.RegisterAsync("Mira", 28, password), password);
    }
}
