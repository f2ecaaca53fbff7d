using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>The services that may get tokens of their own (client credentials), and what each may do.</summary>
internal static class ServiceClients
{
    private static readonly Dictionary<string, string[]> ScopesByClient = new(StringComparer.Ordinal)
    {
        [ShopServices.Orders] = [ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead],
        // The web app reads the catalogue for visitors who have not signed in; everything else it does on a person's behalf.
        [ShopServices.Web] = [ShopScopes.CatalogRead]
    };

    /// <summary>The scopes client <paramref name="clientId"/> may ask for with its own credentials; none for a client that has no such right.</summary>
    public static IReadOnlyList<string> ScopesOf(string clientId) => ScopesByClient.GetValueOrDefault(clientId) ?? [];

    /// <summary>The services (audiences) a scope gives access to.</summary>
    public static IEnumerable<string> AudiencesOf(IEnumerable<string> scopes) => scopes.Select(scope => ShopScopes.Audiences[scope]).Distinct();

    /// <summary>Registers each configured service client with its current secret.</summary>
    public static async Task RegisterAsync(IServiceProvider services, ShopIdentityOptions options, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var (clientId, secret) in options.Clients)
        {
            if (!ScopesByClient.TryGetValue(clientId, out var scopes))
            {
                throw new InvalidOperationException($"Identity:Clients:{clientId} names no known service client.");
            }

            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = secret,
                ClientType = ClientTypes.Confidential,
                DisplayName = $"The {clientId} service"
            };
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
            descriptor.Permissions.UnionWith(scopes.Select(scope => Permissions.Prefixes.Scope + scope));
            await applications.CreateOrUpdateAsync(descriptor, cancellationToken);
        }
    }

    /// <summary>
    /// Registers the client, or updates its registration in place: replicas starting together each register the clients
    /// in turn, and one that replaced a registration with a new one would leave the others holding, in their cache, a
    /// client that no longer exists, so that they refused it.
    /// </summary>
    public static async Task CreateOrUpdateAsync(
        this IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }
}
