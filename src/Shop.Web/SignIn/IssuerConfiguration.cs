using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.ServiceDefaults.Security;

namespace Shop.Web.SignIn;

/// <summary>
/// The issuer's discovery document and keys as the web app uses them: read inside the network (the document names the
/// issuer's public address, which a pod may not reach), the browser still sent to the public authorization and
/// end-session endpoints, and the web app's own calls to the token endpoint kept inside the network.
/// </summary>
internal sealed class IssuerConfiguration(IConfigurationManager<OpenIdConnectConfiguration> inner, Uri publicIssuer, Uri internalIssuer)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public static IssuerConfiguration Create(HttpClient backchannel, Uri publicIssuer)
    {
        var internalIssuer = new Uri(ShopIdentity.Issuer);
        var documents = new IssuerDocumentRetriever(new HttpDocumentRetriever(backchannel) { RequireHttps = false }, publicIssuer, internalIssuer);
        return new(new ConfigurationManager<OpenIdConnectConfiguration>(
            internalIssuer.AbsoluteUri + ".well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), documents), publicIssuer, internalIssuer);
    }

    /// <summary>The configuration; when the issuer cannot be asked for it, a <see cref="ServiceUnavailableException"/> the page shows as such.</summary>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await inner.GetConfigurationAsync(cancel);
        }
        catch (Exception exception) when (!cancel.IsCancellationRequested)
        {
            throw new ServiceUnavailableException(ShopServices.Users, TimeSpan.FromSeconds(5), exception);
        }

        if (configuration.TokenEndpoint is { } token && token.StartsWith(publicIssuer.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
        {
            configuration.TokenEndpoint = internalIssuer.AbsoluteUri + token[publicIssuer.AbsoluteUri.Length..];
        }

        return configuration;
    }

    public void RequestRefresh() => inner.RequestRefresh();
}
