using Shop.Contracts;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The AppHost settings every test and benchmark topology starts with: its data folder and the secrets the AppHost takes
/// as parameters (<see cref="ShopResources.AdminEmail"/>, <see cref="ShopResources.AdminPassword"/>, <see cref="ShopResources.OrdersClientSecret"/>).
/// </summary>
public static class AppHostSettings
{
    /// <summary>The administrator's email in every test and benchmark topology: not the AppHost's default, so that it is seen to come from the parameter.</summary>
    public const string AdminEmail = "admin@topology.test";

    /// <summary>
    /// A topology on <paramref name="dataDirectory"/> with the given secrets; without an orders client secret, the
    /// AppHost generates one.
    /// </summary>
    public static IEnumerable<string> Topology(string dataDirectory, string adminPassword, string? ordersClientSecret = null) =>
    [
        $"Data:Directory={dataDirectory}",
        $"Parameters:{ShopResources.AdminEmail}={AdminEmail}",
        $"Parameters:{ShopResources.AdminPassword}={adminPassword}",
        .. ordersClientSecret is null ? Array.Empty<string>() : [$"Parameters:{ShopResources.OrdersClientSecret}={ordersClientSecret}"]
    ];
}
