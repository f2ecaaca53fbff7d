namespace Shop.Tests.Contracts;

/// <summary>
/// What one service expects of another for one call: the request it sends (method, route, the body fields it sends) and
/// the answer it reads (the success status, and the fields it reads with their JSON kinds). A field is a path:
/// <c>name</c>, <c>lines[].productId</c> for a field of each item of an array, <c>[].orderId</c> when the body itself
/// is an array.
/// </summary>
public sealed record Expectation(
    string Consumer, string Provider, string Method, string Route, IReadOnlyList<Field> Sends, int Status, IReadOnlyList<Field> Reads)
{
    public override string ToString() => $"{Consumer} -> {Provider}: {Method} {Route} ({Status})";
}

/// <summary>A field of a JSON body by its path, and its JSON kind: string, integer, number, boolean, array or object.</summary>
public sealed record Field(string Path, string Kind)
{
    public override string ToString() => $"{Path}: {Kind}";
}

/// <summary>
/// Every call a service of the shop makes to another, as the calling service makes it and reads its answer: written
/// down once, here, and checked against each provider (<see cref="ProviderContractTests"/>) and against what each
/// consumer binds (<see cref="ConsumerContractTests"/>). A provider change that would break a consumer fails there,
/// before it ships. A consumer that starts to send or read something new adds it here first.
/// </summary>
public static class ConsumerExpectations
{
    private static Field String(string path) => new(path, "string");

    private static Field Integer(string path) => new(path, "integer");

    private static Field Number(string path) => new(path, "number");

    private static Field Array(string path) => new(path, "array");

    /// <summary>The orders service: a customer's details for an order (UsersClient), and prices and stock (ProductsClient).</summary>
    public static readonly IReadOnlyList<Expectation> Orders =
    [
        new(ShopServices.Orders, ShopServices.Users, "GET", "/users/{id}", [], 200,
            [Integer("id"), String("name"), String("email"), Integer("age"), String("createdAt")]),
        new(ShopServices.Orders, ShopServices.Products, "GET", "/products/{id}", [], 200,
            [Integer("id"), String("name"), Number("price"), String("currency")]),
        new(ShopServices.Orders, ShopServices.Products, "POST", "/reservations/batch",
            [Array("reservations"), Integer("reservations[].orderId"), Array("reservations[].lines"),
             Integer("reservations[].lines[].productId"), Integer("reservations[].lines[].quantity")], 200,
            [Integer("[].orderId"), String("[].status"), Array("[].shortOfStock")]),
        new(ShopServices.Orders, ShopServices.Products, "POST", "/reservations/batch/confirm", [Array("orderIds")], 200,
            [Integer("[].orderId"), String("[].status")]),
        new(ShopServices.Orders, ShopServices.Products, "POST", "/reservations/{orderId}/confirm", [], 200, []),
        new(ShopServices.Orders, ShopServices.Products, "POST", "/reservations/{orderId}/release", [], 204, []),
        new(ShopServices.Orders, ShopServices.Products, "GET", "/reservations/{orderId}", [], 200,
            [Integer("orderId"), String("status"), Array("lines"), Integer("lines[].productId"), Integer("lines[].quantity")])
    ];

    /// <summary>
    /// The token endpoint, which every caller of another service uses for its service token (client credentials,
    /// ServiceTokenSource). It is the issuer's, outside the OpenAPI document, so it is checked by asking it for a token.
    /// </summary>
    public static readonly Expectation ServiceToken = new(ShopServices.Orders, ShopServices.Users, "POST", "/connect/token",
        [String("grant_type"), String("client_id"), String("client_secret"), String("scope")], 200,
        [String("access_token"), Integer("expires_in")]);

    /// <summary>Every expectation checked against a provider's OpenAPI document.</summary>
    public static IReadOnlyList<Expectation> All => Orders;
}
