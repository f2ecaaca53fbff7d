using System.Net;
using Shop.ServiceDefaults.Http;

namespace Shop.OrderService.Clients;

/// <summary>The products service: product lookups, and the stock reservations of orders.</summary>
public sealed class ProductsClient(HttpClient http)
{
    private const string Service = ShopServices.Products;

    /// <summary>The products that exist among <paramref name="ids"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<int, ProductResponse>> GetManyAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var products = await Task.WhenAll(ids.Distinct().Select(id =>
            http.GetFromServiceAsync<ProductResponse>($"/products/{id}", Service, cancellationToken)));
        return products.OfType<ProductResponse>().ToDictionary(p => p.Id);
    }

    /// <summary>
    /// Holds the stock of each order, every line or none, in one call; one <see cref="StockHold"/> for each order, in their order.
    /// Repeating it for the same orders holds nothing more.
    /// </summary>
    public async Task<IReadOnlyList<StockHold>> ReserveManyAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        var body = new
        {
            reservations = orders.Select(o => new { orderId = o.Id, lines = o.Lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) })
        };
        var states = await SendManyAsync("/reservations/batch", body, orders.Select(o => o.Id).ToList(), cancellationToken);
        return states.Select(state => state switch
        {
            { ShortOfStock: { } productIds } => new StockHold.ShortOfStock(productIds),
            { Status: ReservationStatus.Held or ReservationStatus.Confirmed } => new StockHold.Kept(),
            _ => (StockHold)new StockHold.Released()
        }).ToList();
    }

    /// <summary>Keeps the held stock of each order for good, in one call; one <see cref="StockHold"/> for each order, in their order.</summary>
    public async Task<IReadOnlyList<StockHold>> ConfirmManyAsync(IReadOnlyList<int> orderIds, CancellationToken cancellationToken)
    {
        var states = await SendManyAsync("/reservations/batch/confirm", new { orderIds }, orderIds, cancellationToken);
        return states.Select(state => state.Status == ReservationStatus.Confirmed
            ? new StockHold.Kept()
            : (StockHold)new StockHold.Released()).ToList();
    }

    /// <summary>Keeps the held stock of an order for good.</summary>
    public async Task<StockHold> ConfirmAsync(int orderId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/reservations/{orderId}/confirm", null, cancellationToken, $"confirm-{orderId}");
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return new StockHold.Released();
        }

        response.EnsureSuccessStatusCode();
        return new StockHold.Kept();
    }

    /// <summary>Gives the stock of an order back; harmless when repeated or when nothing is held.</summary>
    public async Task ReleaseAsync(int orderId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/reservations/{orderId}/release", null, cancellationToken, $"release-{orderId}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The state of an order's reservation, or null when the products service has none.</summary>
    public Task<ReservationResponse?> GetReservationAsync(int orderId, CancellationToken cancellationToken) =>
        http.GetFromServiceAsync<ReservationResponse>($"/reservations/{orderId}", Service, cancellationToken);

    /// <summary>Sends a reservation call for several orders, and reads its answer: one state for each order, in their order.</summary>
    private async Task<List<ReservationStateResponse>> SendManyAsync(string uri, object body, IReadOnlyList<int> orderIds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, uri, JsonContent.Create(body), cancellationToken, $"{uri}:{string.Join(',', orderIds)}");
        response.EnsureSuccessStatusCode();
        var states = await response.Content.ReadFromJsonAsync<List<ReservationStateResponse>>(cancellationToken);
        if (states is null || !states.Select(o => o.OrderId).SequenceEqual(orderIds))
        {
            throw new InvalidDataException($"POST {uri} did not answer for each order it was sent, in order.");
        }

        return states;
    }

    /// <summary>
    /// Sends a reservation call. Each is idempotent by order id, so it carries an Idempotency-Key and the
    /// resilience handler may repeat it after a transient failure.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken, string idempotencyKey)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return http.SendToServiceAsync(request, Service, cancellationToken);
    }
}

/// <summary>Where an order's stock stands in the products service after a reserve or a confirm, as placing the order needs it.</summary>
public abstract record StockHold
{
    /// <summary>The order's stock is held for it (after a reserve) or kept for good (after a confirm).</summary>
    public sealed record Kept : StockHold;

    public sealed record ShortOfStock(IReadOnlyList<int> ProductIds) : StockHold;

    /// <summary>The order's stock was released (or never held) and cannot be held for it again.</summary>
    public sealed record Released : StockHold;
}
