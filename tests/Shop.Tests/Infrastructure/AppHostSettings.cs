using Shop.Contracts;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The AppHost settings every test and benchmark topology starts with: its data folder and the secrets the AppHost takes
/// as parameters, named as the AppHost names them, and the administrator those secrets sign in.
/// </summary>
public static class AppHostSettings
{
    /// <summary>The administrator the users service seeds, who signs in with the <see cref="AdminPasswordParameter"/>.</summary>
    public const string AdminEmail = "admin@shop.example";

    public const string AdminPasswordParameter = "admin-password";

    public const string OrdersClientSecretParameter = $"{ShopServices.Orders}-client-secret";

    /// <summary>
    /// A topology on <paramref name="dataDirectory"/> with the given secrets; without an orders client secret, the
    /// AppHost generates one.
    /// </summary>
    public static IEnumerable<string> Topology(string dataDirectory, string adminPassword, string? ordersClientSecret = null) =>
    [
        $"Data:Directory={dataDirectory}",
        $"Parameters:{AdminPasswordParameter}={adminPassword}",
        .. ordersClientSecret is null ? Array.Empty<string>() : [$"Parameters:{OrdersClientSecretParameter}={ordersClientSecret}"]
    ];
}
