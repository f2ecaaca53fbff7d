namespace Shop.Contracts;

/// <summary>The users service as identity provider: where tokens come from and what they carry.</summary>
public static class ShopIdentity
{
    /// <summary>The issuer of every token; its host is the users service's name in service discovery.</summary>
    public const string Issuer = "http://" + ShopServices.Users + "/";

    /// <summary>The issuer's name in service discovery, as a dependency the other services name when it is away.</summary>
    public const string IssuerService = ShopServices.Users;

    /// <summary>
    /// The issuer's public address, where a browser reaches its sign-in pages and every token names it (<c>iss</c>):
    /// the users service's own address when the AppHost runs the shop, a host the operator sets when deployed.
    /// Unset, it is <see cref="Issuer"/>, the name only the services resolve. Services fetch the issuer's keys inside
    /// the network whatever this says.
    /// </summary>
    public const string IssuerSetting = "Identity:Issuer";

    /// <summary>Whether people may sign in with the OAuth password grant: on in Development, off elsewhere unless set.</summary>
    public const string PasswordGrantSetting = "Identity:PasswordGrant";

    public const string TokenPath = "/connect/token";

    /// <summary>Where a browser starts signing in (authorization code with PKCE).</summary>
    public const string AuthorizationPath = "/connect/authorize";

    /// <summary>Where a browser signs out (OpenID Connect RP-initiated logout).</summary>
    public const string EndSessionPath = "/connect/endsession";

    /// <summary>The public client the API reference pages (Scalar) of every service sign in as, in Development.</summary>
    public const string ApiReferenceClient = "api-reference";

    /// <summary>Where a service's API reference page is, and where the issuer sends its sign-ins back to.</summary>
    public const string ApiReferencePath = "/scalar/";

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

    /// <summary>
    /// The scopes a person's app asks for when they sign in (OpenID Connect's), with what each gives it; a person's
    /// access token is good at every service whatever it asked for.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PersonDescriptions { get; } = new Dictionary<string, string>
    {
        ["openid"] = "Sign in: who you are (your user id).",
        ["profile"] = "Your name.",
        ["email"] = "Your email address.",
        ["offline_access"] = "A refresh token, to stay signed in after the access token expires."
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
