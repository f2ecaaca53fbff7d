using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Web.Clients;

/// <summary>An order as the orders service shows it, with what the pages read of it.</summary>
public sealed record OrderView(int Id, int UserId, string Status, DateTime CreatedAt, decimal Total, string Currency, IReadOnlyList<OrderLineView> Lines)
{
    public bool CanCancel => Status == "Confirmed";
}

public sealed record OrderLineView(int ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

/// <summary>What became of an attempt to place an order.</summary>
public abstract record Placement
{
    public sealed record Placed(int OrderId) : Placement;

    /// <summary>Too little stock of these products; nothing was ordered.</summary>
    public sealed record ShortOfStock(IReadOnlyList<int> ProductIds) : Placement;

    /// <summary>The same checkout is being placed by another request right now (a double click).</summary>
    public sealed record InProgress : Placement;

    /// <summary>Refused for a reason the person reads as it is (a product gone, prices in two currencies).</summary>
    public sealed record Refused(string Message) : Placement;
}

/// <summary>The orders service, on the signed-in person's behalf: their orders, or anyone's for an administrator.</summary>
public sealed class OrdersClient(HttpClient http)
{
    private const string Service = ShopServices.Orders;

    public async Task<Placement> PlaceAsync(IEnumerable<BasketLine> lines, string idempotencyKey, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) })
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.CallAsync(request, Service, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var order = await response.Content.ReadFromJsonAsync<OrderView>(cancellationToken)
                ?? throw new InvalidDataException("The orders service answered an empty order.");
            return new Placement.Placed(order.Id);
        }

        var problem = await response.ReadProblemAsync(cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.Conflict when problem.Extensions.TryGetValue("productIds", out var ids) && ids is JsonElement { ValueKind: JsonValueKind.Array } array =>
                new Placement.ShortOfStock([.. array.EnumerateArray().Select(id => id.GetInt32())]),
            HttpStatusCode.Conflict => new Placement.InProgress(),
            _ => new Placement.Refused(problem.Detail ?? problem.Title ?? "The order could not be placed.")
        };
    }

    public Task<OrderView?> GetAsync(int id, CancellationToken cancellationToken) =>
        http.GetAsync<OrderView>($"/orders/{id}", Service, cancellationToken);

    /// <summary>The orders shown on a page of a list.</summary>
    public const int PageSize = 20;

    /// <summary>
    /// A page of the person's own orders; for an administrator, <paramref name="customerId"/>'s, or everyone's without
    /// it. Without <paramref name="pageIndex"/>, the last page: the newest orders, which a person looks for first.
    /// </summary>
    public async Task<Page<OrderView>> ListAsync(int? customerId, int? pageIndex, CancellationToken cancellationToken)
    {
        var index = pageIndex ?? await LastPageAsync(customerId, cancellationToken);
        return await http.GetAsync<Page<OrderView>>(ListQuery(customerId, index, PageSize), Service, cancellationToken)
            ?? new Page<OrderView>(index, PageSize, 0, []);
    }

    private async Task<int> LastPageAsync(int? customerId, CancellationToken cancellationToken)
    {
        var count = (await http.GetAsync<Page<OrderView>>(ListQuery(customerId, 0, 1), Service, cancellationToken))?.TotalCount ?? 0;
        return Math.Max(0, (count - 1) / PageSize);
    }

    private static string ListQuery(int? customerId, int pageIndex, int pageSize) =>
        $"/orders?pageIndex={pageIndex.ToString(CultureInfo.InvariantCulture)}&pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}"
        + (customerId is { } id ? $"&userId={id.ToString(CultureInfo.InvariantCulture)}" : "");

    /// <summary>Cancels an order; false when it is not one the person may cancel (or still being placed).</summary>
    public async Task<bool> CancelAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await http.CallAsync(new HttpRequestMessage(HttpMethod.Post, $"/orders/{id}/cancel"), Service, cancellationToken);
        return response.IsSuccessStatusCode;
    }
}
