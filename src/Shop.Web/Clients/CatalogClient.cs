using System.Net.Http.Json;

namespace Shop.Web.Clients;

/// <summary>The catalogue, read with the web app's own token, so that anyone may browse it.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public const int PageSize = 12;

    /// <summary>The longest search the products service takes.</summary>
    public const int MaxSearchLength = 100;

    /// <summary>A page of the catalogue, or null when the products service refuses the search (it takes plain text only).</summary>
    public async Task<Page<ProductResponse>?> ListAsync(string? search, int pageIndex, CancellationToken cancellationToken)
    {
        var query = QueryString.Create([
            new("pageIndex", pageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. string.IsNullOrWhiteSpace(search) ? Array.Empty<KeyValuePair<string, string?>>() : [new("search", search.Trim())]
        ]);
        using var response = await http.CallAsync(new HttpRequestMessage(HttpMethod.Get, $"/products{query}"), ShopServices.Products, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<Page<ProductResponse>>(cancellationToken);
    }

    public Task<ProductResponse?> GetAsync(int id, CancellationToken cancellationToken) =>
        http.GetAsync<ProductResponse>($"/products/{id}", ShopServices.Products, cancellationToken);

    /// <summary>The products of <paramref name="ids"/> that exist, by id.</summary>
    public async Task<IReadOnlyDictionary<int, ProductResponse>> GetManyAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var products = await Task.WhenAll(ids.Distinct().Select(id => GetAsync(id, cancellationToken)));
        return products.OfType<ProductResponse>().ToDictionary(p => p.Id);
    }
}
