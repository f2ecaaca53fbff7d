using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Input;

namespace Shop.ProductService.Apis;

public static class ProductsApi
{
    // Compiled once: every order reads the price of its products.
    private static readonly Func<ProductsDbContext, int, CancellationToken, Task<Product?>> FindProduct = EF.CompileAsyncQuery(
        (ProductsDbContext db, int id, CancellationToken _) => db.Products.AsNoTracking().FirstOrDefault(p => p.Id == id));

    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        // A product is a few hundred bytes; anything much larger is refused with a 413.
        var api = app.MapGroup("/products").WithTags("Products").WithBodyLimit(4 * 1024);

        var read = ShopPolicies.Scope(ShopScopes.CatalogRead);
        api.MapGet("/", ListProducts).WithName(nameof(ListProducts)).RequireAuthorization(read);
        api.MapGet("/{id:int}", GetProduct).WithName(nameof(GetProduct)).RequireAuthorization(read);
        api.MapPost("/", CreateProduct).WithName(nameof(CreateProduct)).RequireAuthorization(ShopPolicies.Admin);
        api.MapPut("/{id:int}", UpdateProduct).WithName(nameof(UpdateProduct)).RequireAuthorization(ShopPolicies.Admin);
        api.MapDelete("/{id:int}", DeleteProduct).WithName(nameof(DeleteProduct)).RequireAuthorization(ShopPolicies.Admin);

        return app;
    }

    /// <summary>A page of products in the order they were created; with <c>search</c>, only those whose name contains it.</summary>
    public static async Task<Ok<Page<ProductResponse>>> ListProducts(
        [AsParameters] ProductQuery query, [AsParameters] PageRequest page, ProductsDbContext db, CancellationToken cancellationToken)
    {
        IQueryable<Product> products = db.Products;
        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            // Contains is a substring search (instr, strpos), not a LIKE pattern, so % and _ stand for themselves. Name and
            // term are folded alike (Product.SearchText), the name once when it is written.
            var term = Product.SearchText(search);
            products = products.Where(p => p.SearchName.Contains(EF.Parameter(term)));
        }

        return TypedResults.Ok(await products.OrderBy(p => p.Id).ToPageAsync(page, ProductMapping.ToResponse, cancellationToken));
    }

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProduct(
        int id, HttpResponse response, ProductsDbContext db, CancellationToken cancellationToken) =>
        await FindProduct(db, id, cancellationToken) is { } product
            ? WithETag(response, product.ToResponse())
            : ProductNotFound(id);

    public static async Task<Results<Created<ProductResponse>, ProblemHttpResult>> CreateProduct(
        ProductRequest request, ProductsDbContext db, CancellationToken cancellationToken)
    {
        var product = new Product
        {
            Sku = request.Sku,
            Name = request.Name,
            Price = request.Price,
            Currency = request.Currency,
            Stock = request.Stock
        };
        db.Products.Add(product);
        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            return SkuTaken(request.Sku);
        }

        return TypedResults.Created($"/products/{product.Id}", product.ToResponse());
    }

    /// <summary>Replaces a product. With <c>If-Match</c> (its ETag from a GET), only if nothing changed since, stock included.</summary>
    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> UpdateProduct(
        int id, ProductRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        HttpResponse response, ProductsDbContext db, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return ProductNotFound(id);
        }

        if (ifMatch is not null && ifMatch != "*" && ifMatch != product.ToResponse().ETag())
        {
            return ProductChanged(id, StatusCodes.Status412PreconditionFailed);
        }

        (product.Sku, product.Name, product.Price, product.Currency, product.Stock) =
            (request.Sku, request.Name, request.Price, request.Currency, request.Stock);
        try
        {
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                return SkuTaken(request.Sku);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // An order took stock between the read above and this write; the caller asked for no precondition, so it is a conflict to repeat.
            return ProductChanged(id, ifMatch is null ? StatusCodes.Status409Conflict : StatusCodes.Status412PreconditionFailed);
        }

        return WithETag(response, product.ToResponse());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteProduct(
        int id, ProductsDbContext db, CancellationToken cancellationToken) =>
        await db.Products.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? ProductNotFound(id)
            : TypedResults.NoContent();

    private static Ok<ProductResponse> WithETag(HttpResponse response, ProductResponse product)
    {
        response.Headers.ETag = product.ETag();
        return TypedResults.Ok(product);
    }

    private static ProblemHttpResult ProductChanged(int id, int status) => TypedResults.Problem(
        statusCode: status,
        title: "The product has changed.",
        detail: $"Product {id} changed since it was read (orders take its stock); read it again and repeat the update with its new ETag.");

    private static ProblemHttpResult ProductNotFound(int id) => Problems.NotFound("Product", id);

    private static ProblemHttpResult SkuTaken(string sku) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "SKU already in use.",
        detail: $"Another product already has the SKU '{sku}'.");
}
