namespace Shop.Contracts;

/// <summary>
/// The services' names: their resource names in the AppHost, their names in service discovery
/// (<c>https+http://users</c>), and the audiences of their tokens.
/// </summary>
public static class ShopServices
{
    public const string Users = "users";
    public const string Products = "products";
    public const string Orders = "orders";

    public static IReadOnlyList<string> All { get; } = [Users, Products, Orders];
}

/// <summary>The names of the other resources the AppHost gives the services: their connection strings go by these.</summary>
public static class ShopResources
{
    public const string Cache = "cache";
    public const string UsersDatabase = "usersdb";
    public const string ProductsDatabase = "productsdb";
    public const string OrdersDatabase = "ordersdb";
}
