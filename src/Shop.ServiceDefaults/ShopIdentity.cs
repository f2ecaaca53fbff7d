namespace Shop.ServiceDefaults;

/// <summary>The users service as identity provider: where tokens come from and what they carry.</summary>
public static class ShopIdentity
{
    /// <summary>The issuer of every token; the host is the users service's name in service discovery.</summary>
    public const string Issuer = "http://users/";

    public const string TokenPath = "/connect/token";
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string ScopeClaim = "scope";

    /// <summary>The HttpClient that fetches the issuer's discovery document and keys.</summary>
    public const string MetadataClientName = "identity-metadata";
}

public static class ShopRoles
{
    public const string Customer = "Customer";
    public const string Admin = "Admin";
}

/// <summary>Scopes a service token may carry.</summary>
public static class ShopScopes
{
    public const string Reservations = "reservations";
    public const string CatalogRead = "catalog.read";
    public const string UsersRead = "users.read";
}

public static class ShopPolicies
{
    public const string SignedInUser = "signed-in-user";
    public const string Admin = "admin";

    public static string Scope(string scope) => $"scope:{scope}";
}
