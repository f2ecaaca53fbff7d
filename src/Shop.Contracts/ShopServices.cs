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

    /// <summary>The APIs: every token's audiences, and what the web app forwards <c>/api/{name}/…</c> to.</summary>
    public static IReadOnlyList<string> All { get; } = [Users, Products, Orders];

    /// <summary>
    /// The web app: the storefront, the back office, and the shop's one public entry, which forwards the public API
    /// routes to the services. A client of the issuer, not an API: no token is made for it, so it is not in <see cref="All"/>.
    /// </summary>
    public const string Web = "web";
}

/// <summary>The names of the other resources the AppHost gives the services: their connection strings go by these.</summary>
public static class ShopResources
{
    public const string Cache = "cache";

    /// <summary>The message broker (RabbitMQ) that carries the integration events, when there is one.</summary>
    public const string Events = "events";

    /// <summary>The secret that signs integration events delivered over HTTP when there is no broker: a secret parameter of the AppHost.</summary>
    public const string EventsDeliverySecret = "events-delivery-secret";
    public const string UsersDatabase = "usersdb";
    public const string ProductsDatabase = "productsdb";
    public const string OrdersDatabase = "ordersdb";

    /// <summary>The web app's database: baskets, sign-in sessions and the keys that protect its cookies.</summary>
    public const string WebDatabase = "webdb";

    /// <summary>The PostgreSQL server that holds the three databases when <see cref="DataProviders.Postgres"/> is chosen.</summary>
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> Databases { get; } = [UsersDatabase, ProductsDatabase, OrdersDatabase, WebDatabase];

    /// <summary>The administrator's email: a secret parameter of the AppHost, with a default for a developer and none in a published manifest.</summary>
    public const string AdminEmail = "admin-email";

    /// <summary>The administrator's password: a secret parameter of the AppHost, generated on first run.</summary>
    public const string AdminPassword = "admin-password";

    /// <summary>The orders service's client secret at the issuer: a secret parameter of the AppHost, generated on first run.</summary>
    public const string OrdersClientSecret = ShopServices.Orders + "-client-secret";

    /// <summary>The web app's client secret at the issuer: a secret parameter of the AppHost, generated on first run.</summary>
    public const string WebClientSecret = ShopServices.Web + "-client-secret";

    /// <summary>The issuer's public address in a published manifest: a parameter the operator sets (not a secret: every browser sees it).</summary>
    public const string IdentityIssuer = "identity-issuer";
}

/// <summary>
/// Where the services keep their data: the setting <see cref="Setting"/>, which the AppHost takes from its own
/// configuration and passes to every service.
/// </summary>
public static class DataProviders
{
    public const string Setting = "Data:Provider";

    /// <summary>A SQLite file per service on the local disk: the default, with nothing to install.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A database per service on one PostgreSQL server.</summary>
    public const string Postgres = "postgres";
}
