using System.Net;
using Shop.Contracts;
using Shop.OrderService.Model;
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
    /// Holds the stock of each order, every line or none, in one call; one outcome for each order, in their order.
    /// Repeating it for the same orders holds nothing more.
    /// </summary>
    public async Task<IReadOnlyList<ReservationOutcome>> ReserveManyAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        var body = new
        {
            reservations = orders.Select(o => new { orderId = o.Id, lines = o.Lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) })
        };
        var outcomes = await SendManyAsync("/reservations/batch", body, orders.Select(o => o.Id).ToList(), cancellationToken);
        return outcomes.Select(outcome => outcome switch
        {
            { ShortOfStock: { } productIds } => new ReservationOutcome.ShortOfStock(productIds),
            { Status: ReservationStatus.Held or ReservationStatus.Confirmed } => new ReservationOutcome.Kept(),
            _ => (ReservationOutcome)new ReservationOutcome.Released()
        }).ToList();
    }

    /// <summary>Keeps the held stock of each order for good, in one call; one outcome for each order, in their order.</summary>
    public async Task<IReadOnlyList<ReservationOutcome>> ConfirmManyAsync(IReadOnlyList<int> orderIds, CancellationToken cancellationToken)
    {
        var outcomes = await SendManyAsync("/reservations/batch/confirm", new { orderIds }, orderIds, cancellationToken);
        return outcomes.Select(outcome => outcome.Status == ReservationStatus.Confirmed
            ? new ReservationOutcome.Kept()
            : (ReservationOutcome)new ReservationOutcome.Released()).ToList();
    }

    /// <summary>Keeps the held stock of an order for good.</summary>
    public async Task<ReservationOutcome> ConfirmAsync(int orderId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/reservations/{orderId}/confirm", null, cancellationToken, $"confirm-{orderId}");
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return new ReservationOutcome.Released();
        }

        response.EnsureSuccessStatusCode();
        return new ReservationOutcome.Kept();
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

    /// <summary>Sends a reservation call for several orders, and reads its answer: one outcome for each order, in their order.</summary>
    private async Task<List<ReservationOutcomeResponse>> SendManyAsync(string uri, object body, IReadOnlyList<int> orderIds, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, uri, JsonContent.Create(body), cancellationToken, $"{uri}:{string.Join(',', orderIds)}");
        response.EnsureSuccessStatusCode();
        var outcomes = await response.Content.ReadFromJsonAsync<List<ReservationOutcomeResponse>>(cancellationToken);
        if (outcomes is null || !outcomes.Select(o => o.OrderId).SequenceEqual(orderIds))
        {
            throw new InvalidDataException($"POST {uri} did not answer for each order it was sent, in order.");
        }

        return outcomes;
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

/// <summary>What the products service did with a reserve or a confirm.</summary>
public abstract record ReservationOutcome
{
    /// <summary>The order's stock is held for it (after a reserve) or kept for good (after a confirm).</summary>
    public sealed record Kept : ReservationOutcome;

    public sealed record ShortOfStock(IReadOnlyList<int> ProductIds) : ReservationOutcome;

    /// <summary>The order's stock was released (or never held) and cannot be held for it again.</summary>
    public sealed record Released : ReservationOutcome;
}
