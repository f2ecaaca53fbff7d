namespace Shop.Tests.Infrastructure;

/// <summary>
/// Who sends a request: nobody, a customer, an admin, or a service with scopes. Both harnesses take it, a service in this
/// process (<c>host.As(Caller.Admin())</c>) and the whole topology (<c>shop.As(Caller.Admin())</c>).
/// </summary>
public abstract record Caller
{
    public static Caller Anonymous { get; } = new AnonymousCaller();

    /// <summary>An administrator, user id 1 unless said otherwise.</summary>
    public static Caller Admin(int userId = 1) => new AdminCaller(userId);

    public static Caller Customer(int userId) => new CustomerCaller(userId);

    /// <summary>The orders service's own identity, with the scopes it is given: all of them unless said otherwise.</summary>
    public static Caller Service(params string[] scopes) =>
        new ServiceCaller(scopes.Length > 0 ? scopes : [ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead]);

    /// <summary>A token for <paramref name="audience"/>, signed with the key the services in this process trust; null for anonymous.</summary>
    public string? TokenFor(string audience, TokenForge forge) => this switch
    {
        CustomerCaller customer => forge.Create(audience, customer.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), role: "Customer"),
        AdminCaller admin => forge.Create(audience, admin.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), role: "Admin"),
        ServiceCaller service => forge.Create(audience, ShopServices.Orders, scope: string.Join(' ', service.Scopes)),
        _ => null
    };

    public sealed record AnonymousCaller : Caller;

    public sealed record AdminCaller(int UserId) : Caller;

    public sealed record CustomerCaller(int UserId) : Caller;

    public sealed record ServiceCaller(string[] Scopes) : Caller;
}
