using System.Security.Claims;
using Shop.Contracts;

namespace Shop.ServiceDefaults.Security;

public static class ClaimsPrincipalExtensions
{
    /// <summary>Whether the token was issued to a person (a customer or an admin), not to a service.</summary>
    public static bool IsSignedInUser(this ClaimsPrincipal principal) =>
        principal.IsInRole(ShopRoles.Customer) || principal.IsInRole(ShopRoles.Admin);

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.IsInRole(ShopRoles.Admin);

    /// <summary>The user id of a person's token; null for a service token.</summary>
    public static int? UserId(this ClaimsPrincipal principal) =>
        principal.IsSignedInUser() && int.TryParse(principal.FindFirstValue(ShopIdentity.SubjectClaim), out var id) ? id : null;

    public static bool HasScope(this ClaimsPrincipal principal, string scope) =>
        principal.FindAll(ShopIdentity.ScopeClaim).Any(claim => claim.Value.Split(' ').Contains(scope, StringComparer.Ordinal));
}
