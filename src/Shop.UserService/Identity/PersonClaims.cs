using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>What a person's tokens say of them, however they signed in, read from their account as it is now.</summary>
internal static class PersonClaims
{
    /// <summary>People's tokens are good at every service.</summary>
    private static readonly IReadOnlyList<string> Audiences = ShopServices.All;

    /// <summary>A person's identity for the password grant, which has no scopes of its own.</summary>
    public static ClaimsIdentity Create(User user) => Refresh(new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role), user);

    /// <summary>
    /// Sets the person's claims on <paramref name="identity"/>, which may carry what OpenIddict keeps of an earlier grant
    /// (scopes, the authorization): the name, email and role are read again, so a refresh carries a changed role.
    /// </summary>
    public static ClaimsIdentity Refresh(ClaimsIdentity identity, User user)
    {
        identity.SetClaim(Claims.Subject, user.Id.ToString(CultureInfo.InvariantCulture));
        identity.SetClaim(Claims.Name, user.Name);
        identity.SetClaim(Claims.Email, user.Email);
        identity.SetClaims(Claims.Role, [user.Role.ToString()]);
        identity.SetResources(Audiences);
        identity.SetDestinations(claim => DestinationsOf(claim, identity));
        return identity;
    }

    /// <summary>Every claim goes into the access token; the ID token gets the name and email only when their scopes were granted.</summary>
    private static IEnumerable<string> DestinationsOf(Claim claim, ClaimsIdentity identity)
    {
        yield return Destinations.AccessToken;
        var scopes = identity.GetScopes();
        if (claim.Type == Claims.Subject
            || (claim.Type == Claims.Name && scopes.Contains(Scopes.Profile))
            || (claim.Type == Claims.Email && scopes.Contains(Scopes.Email)))
        {
            yield return Destinations.IdentityToken;
        }
    }
}
