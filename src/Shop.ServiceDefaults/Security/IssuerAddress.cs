using Microsoft.Extensions.Configuration;
using Shop.Contracts;

namespace Shop.ServiceDefaults.Security;

/// <summary>The issuer's public address (<see cref="ShopIdentity.IssuerSetting"/>), as every token names it.</summary>
public static class IssuerAddress
{
    /// <summary>
    /// The configured issuer, always ending in a slash as OpenIddict writes it into tokens; <see cref="ShopIdentity.Issuer"/>
    /// when unset. A value that is not an absolute http or https address without query or fragment stops the service.
    /// </summary>
    public static Uri Get(IConfiguration configuration)
    {
        var value = configuration[ShopIdentity.IssuerSetting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new Uri(ShopIdentity.Issuer);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException(
                $"{ShopIdentity.IssuerSetting} is '{value}'; it must be an absolute http or https address without query, fragment or user, such as https://shop.example/.");
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
