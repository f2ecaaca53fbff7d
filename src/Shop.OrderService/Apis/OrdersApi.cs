using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Model;
using Shop.ServiceDefaults;

namespace Shop.OrderService.Apis;

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/orders").WithTags("Orders");

        api.MapGet("/", ListOrders).WithName(nameof(ListOrders));
        api.MapGet("/{id:int}", GetOrder).WithName(nameof(GetOrder));
        api.MapPost("/", PlaceOrder).WithName(nameof(PlaceOrder));

        return app;
    }

    public static async Task<Ok<Page<OrderSummary>>> ListOrders(
        [AsParameters] OrderQuery query, [AsParameters] PageRequest page, OrdersDbContext db, CancellationToken cancellationToken)
    {
        var orders = db.Orders.Include(o => o.Lines).AsQueryable();
        if (query.UserId is { } userId)
        {
            orders = orders.Where(o => o.UserId == userId);
        }

        return TypedResults.Ok(await orders.OrderBy(o => o.Id).ToPageAsync(page, OrderSummary.From, cancellationToken));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(
        int id, OrdersDbContext db, UsersClient users, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.Lines).AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Order not found.",
                detail: $"There is no order with id {id}.");
        }

        var user = await users.GetAsync(order.UserId, cancellationToken);
        return TypedResults.Ok(ToResponse(order, user));
    }

    public static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request, OrdersDbContext db, UsersClient users, ProductsClient products, CancellationToken cancellationToken)
    {
        var userLookup = users.GetAsync(request.UserId, cancellationToken);
        var productLookup = products.GetManyAsync(request.Lines.Select(l => l.ProductId), cancellationToken);
        var user = await userLookup;
        var found = await productLookup;

        if (user is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "User not found.",
                detail: $"There is no user with id {request.UserId}.");
        }

        var missing = request.Lines.Select(l => l.ProductId).Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Product not found.",
                detail: $"There is no product with id {string.Join(", ", missing)}.",
                extensions: new Dictionary<string, object?> { ["productIds"] = missing });
        }

        var priced = OrderPricing.Price(request.Lines, found);
        if (priced.Error is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The order cannot be priced.",
                detail: priced.Error);
        }

        var order = new Order
        {
            UserId = request.UserId,
            CreatedAt = DateTimeOffset.UtcNow,
            Currency = priced.Currency,
            Total = priced.Total,
            Lines = [.. priced.Lines]
        };
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);

        return TypedResults.Created($"/orders/{order.Id}", ToResponse(order, user));
    }

    private static OrderResponse ToResponse(Order order, UserSnapshot? user) =>
        new(order.Id, order.CreatedAt, order.Total, order.Currency, user, order.Lines.Select(OrderLineResponse.From).ToList());
}
