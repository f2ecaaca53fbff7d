using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Shop.Tests.Infrastructure.InProcess;

/// <summary>
/// The users and products services as the orders service sees them, kept in memory: users to look up, products
/// with stock, reservations that hold, confirm and release it all or nothing, a token endpoint, and the issuer's
/// discovery document and keys (<see cref="TokenForge.InProcess"/>'s). Either service can be taken down, and then
/// refuses connections; the users service can also hang. Every call is counted by route.
/// </summary>
public sealed partial class FakePeers
{
    public const string UsersAddress = "http://users.test";
    public const string ProductsAddress = "http://products.test";

    private readonly ConcurrentDictionary<int, object> _users = new();
    private readonly ConcurrentDictionary<int, Product> _products = new();
    private readonly ConcurrentDictionary<int, Reservation> _reservations = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly Lock _stock = new();

    public bool UsersDown { get; set; }

    /// <summary>The users service takes connections but never answers, like a process that is frozen.</summary>
    public bool UsersHanging { get; set; }

    public bool ProductsDown { get; set; }

    /// <summary>How long the products service takes to answer a confirm, like a service under load.</summary>
    public TimeSpan ConfirmDelay { get; set; }

    private int _lastId = 1000;

    /// <summary>Adds a user with a fresh id, and answers the id.</summary>
    public int NewUser(string name = "Customer")
    {
        var id = Interlocked.Increment(ref _lastId);
        AddUser(id, name);
        return id;
    }

    /// <summary>Adds a product with a fresh id, and answers the id.</summary>
    public int NewProduct(decimal price = 5m, int stock = 10, string currency = "EUR")
    {
        var id = Interlocked.Increment(ref _lastId);
        AddProduct(id, price, stock, currency);
        return id;
    }

    public void AddUser(int id, string name = "Customer") =>
        _users[id] = new { id, name, email = $"user{id}@example.com", age = 30, createdAt = DateTimeOffset.UnixEpoch };

    public void AddProduct(int id, decimal price = 5m, int stock = 10, string currency = "EUR") =>
        _products[id] = new Product(id, $"SKU-{id}", $"Product {id}", price, currency, stock);

    public int StockOf(int productId) => _products[productId].Stock;

    /// <summary>The status of an order's reservation (Held, Confirmed, Released), or null when it has none.</summary>
    public string? ReservationOf(int orderId) => _reservations.TryGetValue(orderId, out var reservation) ? reservation.Status : null;

    /// <summary>Holds stock for an order as if the orders service had sent the reserve before it stopped.</summary>
    public void Hold(int orderId, int productId, int quantity)
    {
        lock (_stock)
        {
            _products[productId] = _products[productId] with { Stock = _products[productId].Stock - quantity };
            _reservations[orderId] = new Reservation("Held", [(productId, quantity)]);
        }
    }

    /// <summary>How many calls reached <c>{method} {route}</c>, the route with its numbers as <c>{id}</c>: <c>POST /reservations/{id}/confirm</c>.</summary>
    public int CallsTo(string call) => _calls.GetValueOrDefault(call);

    private HttpResponseMessage Answer(HttpRequestMessage request, string body)
    {
        var path = request.RequestUri!.AbsolutePath;
        _calls.AddOrUpdate($"{request.Method} {Number().Replace(path, "{id}")}", 1, (_, count) => count + 1);
        var isUsers = request.RequestUri.Host == new Uri(UsersAddress).Host;
        if ((isUsers && UsersDown) || (!isUsers && ProductsDown))
        {
            throw new HttpRequestException("Connection refused (fake peer down)", null, null);
        }

        var id = Number().Match(path) is { Success: true } number ? int.Parse(number.Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (request.Method.Method, Number().Replace(path, "{id}")) switch
        {
            ("GET", "/.well-known/openid-configuration") => Json(HttpStatusCode.OK, new Dictionary<string, object>
            {
                ["issuer"] = ShopIdentity.Issuer,
                ["jwks_uri"] = $"{UsersAddress}/.well-known/jwks",
                ["token_endpoint"] = $"{UsersAddress}{ShopIdentity.TokenPath}"
            }),
            ("GET", "/.well-known/jwks") => Json(HttpStatusCode.OK, new { keys = new[] { TokenForge.InProcess.PublicJwk() } }),
            ("POST", ShopIdentity.TokenPath) => Json(HttpStatusCode.OK, new Dictionary<string, object>
            {
                ["access_token"] = TokenForge.InProcess.Create(ShopServices.Products, ShopServices.Orders, scope: string.Join(' ', ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead)),
                ["token_type"] = "Bearer",
                ["expires_in"] = 900
            }),
            ("GET", "/users/{id}") => _users.TryGetValue(id, out var user) ? Json(HttpStatusCode.OK, user) : NotFound(),
            ("GET", "/products/{id}") => _products.TryGetValue(id, out var product) ? Json(HttpStatusCode.OK, product) : NotFound(),
            ("POST", "/reservations/batch") => Json(HttpStatusCode.OK,
                JsonSerializer.Deserialize<ReserveManyBody>(body, JsonSerializerOptions.Web)!.Reservations.Select(Reserve).ToList()),
            ("POST", "/reservations/batch/confirm") => Json(HttpStatusCode.OK,
                JsonSerializer.Deserialize<ConfirmManyBody>(body, JsonSerializerOptions.Web)!.OrderIds.Select(orderId => new { orderId, status = Confirm(orderId) }).ToList()),
            ("GET", "/reservations/{id}") => _reservations.TryGetValue(id, out var held)
                ? Json(HttpStatusCode.OK, new { orderId = id, status = held.Status, createdAt = DateTime.UtcNow, lines = Array.Empty<object>() })
                : NotFound(),
            ("POST", "/reservations/{id}/confirm") => Confirm(id) switch
            {
                null => NotFound(),
                "Released" => Json(HttpStatusCode.Conflict, new { }),
                var status => Json(HttpStatusCode.OK, new { orderId = id, status })
            },
            ("POST", "/reservations/{id}/release") => Release(id),
            _ => NotFound()
        };
    }

    /// <summary>Holds an order's stock, all or none, and answers where its reservation stands as a batch reserve does.</summary>
    private object Reserve(ReserveBody body)
    {
        lock (_stock)
        {
            if (_reservations.TryGetValue(body.OrderId, out var existing))
            {
                return new { orderId = body.OrderId, status = existing.Status };
            }

            var shortOfStock = body.Lines.Where(l => !_products.TryGetValue(l.ProductId, out var p) || p.Stock < l.Quantity).Select(l => l.ProductId).ToList();
            if (shortOfStock.Count > 0)
            {
                return new { orderId = body.OrderId, status = (string?)null, shortOfStock };
            }

            foreach (var line in body.Lines)
            {
                _products[line.ProductId] = _products[line.ProductId] with { Stock = _products[line.ProductId].Stock - line.Quantity };
            }

            _reservations[body.OrderId] = new Reservation("Held", [.. body.Lines.Select(l => (l.ProductId, l.Quantity))]);
            return new { orderId = body.OrderId, status = "Held" };
        }
    }

    /// <summary>Confirms an order's held stock; answers the reservation's status, or null when it has none.</summary>
    private string? Confirm(int orderId)
    {
        lock (_stock)
        {
            if (!_reservations.TryGetValue(orderId, out var reservation))
            {
                return null;
            }

            if (reservation.Status == "Held")
            {
                _reservations[orderId] = reservation with { Status = "Confirmed" };
                return "Confirmed";
            }

            return reservation.Status;
        }
    }

    private HttpResponseMessage Release(int orderId)
    {
        lock (_stock)
        {
            if (_reservations.TryGetValue(orderId, out var reservation) && reservation.Status != "Released")
            {
                foreach (var (productId, quantity) in reservation.Lines)
                {
                    _products[productId] = _products[productId] with { Stock = _products[productId].Stock + quantity };
                }
            }

            _reservations[orderId] = new Reservation("Released", reservation?.Lines ?? []);
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };

    private static HttpResponseMessage NotFound() => Json(HttpStatusCode.NotFound, new { status = 404 });

    [GeneratedRegex(@"(?<=/)\d+(?=/|$)")]
    private static partial Regex Number();

    private sealed record Product(int Id, string Sku, string Name, decimal Price, string Currency, int Stock);

    private sealed record Reservation(string Status, IReadOnlyList<(int ProductId, int Quantity)> Lines);

    private sealed record ReserveManyBody(IReadOnlyList<ReserveBody> Reservations);

    private sealed record ReserveBody(int OrderId, IReadOnlyList<ReserveLine> Lines);

    private sealed record ConfirmManyBody(IReadOnlyList<int> OrderIds);

    private sealed record ReserveLine(int ProductId, int Quantity);

    /// <summary>The primary handler of the orders service's clients: answers from the peers without a network.</summary>
    public sealed class Handler(FakePeers peers) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (peers.UsersHanging && request.RequestUri!.Host == new Uri(UsersAddress).Host)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (request.RequestUri!.AbsolutePath.EndsWith("/confirm", StringComparison.Ordinal))
            {
                await Task.Delay(peers.ConfirmDelay, cancellationToken);
            }

            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = peers.Answer(request, body);
            response.RequestMessage = request;
            return response;
        }
    }
}
