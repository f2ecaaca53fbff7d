using Shop.OrderService.Model;

namespace Shop.OrderService.Clients;

public sealed class ProductsClient(HttpClient http)
{
    public const string ServiceName = "products";

    /// <summary>The products that exist among <paramref name="ids"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<int, ProductSnapshot>> GetManyAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var products = await Task.WhenAll(ids.Distinct().Select(id =>
            http.GetFromServiceAsync<ProductSnapshot>($"/products/{id}", ServiceName, cancellationToken)));
        return products.OfType<ProductSnapshot>().ToDictionary(p => p.Id);
    }
}
