using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>
/// The apps people sign in to in a browser (<c>Identity:Applications</c>): authorization code with PKCE, refresh tokens
/// and sign-out, each sent back only to the addresses registered for it.
/// </summary>
internal static class BrowserApplications
{
    /// <summary>The scopes a person's app may ask for: who they are, and a refresh token to stay signed in.</summary>
    public static readonly string[] PersonScopes = [.. ShopScopes.PersonDescriptions.Keys];

    public static async Task RegisterAsync(IServiceProvider services, ShopIdentityOptions options, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var (clientId, application) in options.Applications)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = string.IsNullOrEmpty(application.Secret) ? null : application.Secret,
                ClientType = string.IsNullOrEmpty(application.Secret) ? ClientTypes.Public : ClientTypes.Confidential,
                // First-party apps: signing in is the consent, so no page asks for it.
                ConsentType = ConsentTypes.Implicit,
                DisplayName = application.DisplayName ?? clientId
            };
            descriptor.RedirectUris.UnionWith(application.RedirectUris.Select(uri => new Uri(uri)));
            descriptor.PostLogoutRedirectUris.UnionWith(application.PostLogoutRedirectUris.Select(uri => new Uri(uri)));
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code
            ]);
            // openid needs no permission of its own.
            descriptor.Permissions.UnionWith(PersonScopes.Where(scope => scope != Scopes.OpenId).Select(scope => Permissions.Prefixes.Scope + scope));
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            if (descriptor.ClientType == ClientTypes.Confidential && ServiceClients.ScopesOf(clientId) is { Count: > 0 } own)
            {
                // A server-side app that also calls services on its own account (the web app reads the catalogue for visitors).
                descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
                descriptor.Permissions.UnionWith(own.Select(scope => Permissions.Prefixes.Scope + scope));
            }

            await applications.CreateOrUpdateAsync(descriptor, cancellationToken);
        }
    }
}
