using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.ServiceDefaults.Errors;

namespace Shop.ServiceDefaults.Security;

/// <summary>
/// The token issuer's discovery document and keys, fetched and kept by the standard configuration manager. When
/// they cannot be had (the issuer is down or hangs, and none were fetched before), that is a
/// <see cref="DependencyUnavailableException"/>: the caller's token may well be good, it just cannot be checked.
/// </summary>
/// <remarks>
/// JwtBearer hands a <c>BaseConfigurationManager</c> to the token handler, which swallows the failure and then
/// finds no keys, so the caller would hear 401; wrapped, the failure reaches the authentication-failed event.
/// </remarks>
internal sealed class IssuerConfigurationManager(IConfigurationManager<OpenIdConnectConfiguration> inner, string issuer)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        try
        {
            return await inner.GetConfigurationAsync(cancel);
        }
        catch (Exception exception) when (!cancel.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(issuer, exception);
        }
    }

    public void RequestRefresh() => inner.RequestRefresh();
}
