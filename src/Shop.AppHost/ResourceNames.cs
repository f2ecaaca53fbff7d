namespace Shop.AppHost;

/// <summary>The names of the resources; services find each other and their connection strings by these.</summary>
public static class ResourceNames
{
    public const string Cache = "cache";
    public const string Users = "users";
    public const string Products = "products";
    public const string Orders = "orders";
    public const string UsersDatabase = "usersdb";
    public const string ProductsDatabase = "productsdb";
    public const string OrdersDatabase = "ordersdb";
}
