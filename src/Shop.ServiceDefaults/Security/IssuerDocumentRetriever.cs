using Microsoft.IdentityModel.Protocols;

namespace Shop.ServiceDefaults.Security;

/// <summary>
/// Fetches the issuer's documents (discovery and keys) inside the network, whatever public address they name. The
/// discovery document names the public issuer (<see cref="IssuerAddress"/>) and puts its key set under it, e.g.
/// https://shop.example/.well-known/jwks: an address for browsers, which a service may not reach (a pod is not let out
/// to its own Ingress). An address under the public issuer is fetched at the same path under <paramref name="internalIssuer"/>,
/// the issuer's name in service discovery; any other address is fetched as it is. Both issuers end in a slash.
/// </summary>
public sealed class IssuerDocumentRetriever(IDocumentRetriever inner, Uri publicIssuer, Uri internalIssuer) : IDocumentRetriever
{
    public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
        inner.GetDocumentAsync(Internal(address), cancel);

    private string Internal(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri)
            || Uri.Compare(uri, publicIssuer, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0
            || !uri.AbsolutePath.StartsWith(publicIssuer.AbsolutePath, StringComparison.Ordinal))
        {
            return address;
        }

        // Appended, never resolved against the internal address: what follows the public issuer cannot name another host.
        return internalIssuer.AbsoluteUri + uri.AbsolutePath[publicIssuer.AbsolutePath.Length..] + uri.Query;
    }
}
