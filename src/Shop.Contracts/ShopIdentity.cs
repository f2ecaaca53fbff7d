namespace Shop.Contracts;

/// <summary>The users service as identity provider: where tokens come from and what they carry.</summary>
public static class ShopIdentity
{
    /// <summary>The issuer of every token; its host is the users service's name in service discovery.</summary>
    public const string Issuer = "http://" + ShopServices.Users + "/";

    /// <summary>The issuer's name in service discovery, as a dependency the other services name when it is away.</summary>
    public const string IssuerService = ShopServices.Users;

    public const string TokenPath = "/connect/token";

    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string ScopeClaim = "scope";

    /// <summary>
    /// How often the users service reads its signing keys again and every service fetches the published set again: a
    /// new key is published that long, at least, before it signs.
    /// </summary>
    public const string KeyRefreshIntervalSetting = "Identity:KeyRefreshInterval";

    public static readonly TimeSpan DefaultKeyRefreshInterval = TimeSpan.FromMinutes(1);
}

/// <summary>The roles of people; services have scopes instead.</summary>
public static class ShopRoles
{
    public const string Customer = "Customer";
    public const string Admin = "Admin";
}

/// <summary>Scopes a service token may carry, with what each allows.</summary>
public static class ShopScopes
{
    public const string Reservations = "reservations";
    public const string CatalogRead = "catalog.read";
    public const string UsersRead = "users.read";

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [Reservations] = "Hold, confirm and release stock for orders.",
        [CatalogRead] = "Read products.",
        [UsersRead] = "Read users."
    };

    /// <summary>The service whose tokens each scope is for.</summary>
    public static IReadOnlyDictionary<string, string> Audiences { get; } = new Dictionary<string, string>
    {
        [Reservations] = ShopServices.Products,
        [CatalogRead] = ShopServices.Products,
        [UsersRead] = ShopServices.Users
    };
}

/// <summary>The authorization policies every service names its endpoints by.</summary>
public static class ShopPolicies
{
    /// <summary>A person: a customer or an admin.</summary>
    public const string SignedInUser = "signed-in-user";

    public const string Admin = "admin";

    /// <summary>A service token with <paramref name="scope"/>.</summary>
    public static string Scope(string scope) => $"scope:{scope}";
}
