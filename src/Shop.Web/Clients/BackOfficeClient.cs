using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Shop.Web.Clients;

/// <summary>A product as the back office edits it: every field, and the ETag of the version read.</summary>
public sealed record ProductDraft(string Sku, string Name, decimal Price, string Currency, int Stock);

/// <summary>What became of saving a product.</summary>
public abstract record ProductSave
{
    public sealed record Saved(ProductResponse Product) : ProductSave;

    /// <summary>Someone changed the product since it was read (an order took stock, another administrator saved): here it is now.</summary>
    public sealed record Changed(ProductResponse? Current, string? ETag) : ProductSave;

    /// <summary>The service refused the fields: its messages by field name (Sku, Name, …), and one for the whole.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors, string? Message) : ProductSave;
}

/// <summary>The back office's calls, on the administrator's behalf: products, and the list of users.</summary>
public sealed class BackOfficeClient(HttpClient http)
{
    private const string Products = $"https+http://{ShopServices.Products}/products";
    private const string Users = $"https+http://{ShopServices.Users}/users";

    public async Task<(ProductResponse Product, string? ETag)?> GetProductAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await http.CallAsync(new HttpRequestMessage(HttpMethod.Get, $"{Products}/{id}"), ShopServices.Products, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var product = await response.Content.ReadFromJsonAsync<ProductResponse>(cancellationToken)
            ?? throw new InvalidDataException("The products service answered an empty product.");
        return (product, response.Headers.ETag?.ToString());
    }

    public async Task<Page<ProductResponse>> ListProductsAsync(int pageIndex, CancellationToken cancellationToken) =>
        await http.GetAsync<Page<ProductResponse>>($"{Products}?pageIndex={pageIndex.ToString(CultureInfo.InvariantCulture)}&pageSize=50",
            ShopServices.Products, cancellationToken) ?? new Page<ProductResponse>(pageIndex, 50, 0, []);

    /// <summary>Creates a product (<paramref name="id"/> null) or replaces it, only if it is still the version of <paramref name="etag"/>.</summary>
    public async Task<ProductSave> SaveProductAsync(int? id, ProductDraft draft, string? etag, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(id is null ? HttpMethod.Post : HttpMethod.Put, id is null ? Products : $"{Products}/{id}")
        {
            Content = JsonContent.Create(draft)
        };
        if (id is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag ?? "*"));
        }

        using var response = await http.CallAsync(request, ShopServices.Products, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new ProductSave.Saved(await response.Content.ReadFromJsonAsync<ProductResponse>(cancellationToken)
                ?? throw new InvalidDataException("The products service answered an empty product."));
        }

        if (response.StatusCode is HttpStatusCode.PreconditionFailed || (response.StatusCode == HttpStatusCode.Conflict && id is not null && etag is not null))
        {
            var current = await GetProductAsync(id!.Value, cancellationToken);
            return new ProductSave.Changed(current?.Product, current?.ETag);
        }

        var problem = await response.ReadProblemAsync(cancellationToken);
        return new ProductSave.Invalid(problem.Errors.ToDictionary(), problem.Detail ?? problem.Title);
    }

    public async Task<Page<UserResponse>> ListUsersAsync(int pageIndex, CancellationToken cancellationToken) =>
        await http.GetAsync<Page<UserResponse>>($"{Users}?pageIndex={pageIndex.ToString(CultureInfo.InvariantCulture)}&pageSize=50",
            ShopServices.Users, cancellationToken) ?? new Page<UserResponse>(pageIndex, 50, 0, []);
}
