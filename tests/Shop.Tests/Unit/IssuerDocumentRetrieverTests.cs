using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.ServiceDefaults.Security;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Unit;

/// <summary>
/// A service fetches the issuer's discovery document and keys inside the network: the document names the public issuer
/// and its key set under the public address, which a pod may not reach, and the service fetches that path from the
/// issuer's internal name instead. Nothing else is redirected.
/// </summary>
public sealed class IssuerDocumentRetrieverTests
{
    private static readonly Uri PublicIssuer = new("https://shop.example/");
    private static readonly Uri InternalIssuer = new(ShopIdentity.Issuer);

    [Fact]
    public async Task ADiscoveryDocumentNamingAPublicKeySetHasItsKeysFetchedFromTheInternalAddress()
    {
        var documents = new RecordedDocuments(new Dictionary<string, string>
        {
            [$"{ShopIdentity.Issuer}.well-known/openid-configuration"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = PublicIssuer.AbsoluteUri,
                ["jwks_uri"] = $"{PublicIssuer}.well-known/jwks",
                ["token_endpoint"] = $"{PublicIssuer}connect/token"
            }),
            [$"{ShopIdentity.Issuer}.well-known/jwks"] = JsonSerializer.Serialize(new { keys = new[] { TokenForge.InProcess.PublicJwk() } })
        });

        var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(
            $"{ShopIdentity.Issuer}.well-known/openid-configuration", new IssuerDocumentRetriever(documents, PublicIssuer, InternalIssuer),
            TestContext.Current.CancellationToken);

        Assert.Equal([$"{ShopIdentity.Issuer}.well-known/openid-configuration", $"{ShopIdentity.Issuer}.well-known/jwks"], documents.Fetched);
        Assert.Equal(PublicIssuer.AbsoluteUri, configuration.Issuer);
        Assert.Equal(TokenForge.InProcess.Key.KeyId, Assert.Single(configuration.SigningKeys).KeyId);
    }

    [Theory]
    [InlineData("https://shop.example/.well-known/jwks", "http://users/.well-known/jwks")]
    [InlineData("https://SHOP.EXAMPLE:443/.well-known/jwks?v=2", "http://users/.well-known/jwks?v=2")]
    [InlineData("https://shop.example//elsewhere.example/jwks", "http://users//elsewhere.example/jwks")]
    [InlineData("http://shop.example/.well-known/jwks", "http://shop.example/.well-known/jwks")]
    [InlineData("https://shop.example:8443/.well-known/jwks", "https://shop.example:8443/.well-known/jwks")]
    [InlineData("https://shop.example.elsewhere/.well-known/jwks", "https://shop.example.elsewhere/.well-known/jwks")]
    [InlineData("https://keys.example/jwks", "https://keys.example/jwks")]
    public async Task OnlyAnAddressUnderThePublicIssuerIsFetchedInside(string named, string fetched)
    {
        var documents = new RecordedDocuments();

        await new IssuerDocumentRetriever(documents, PublicIssuer, InternalIssuer).GetDocumentAsync(named, TestContext.Current.CancellationToken);

        Assert.Equal(fetched, Assert.Single(documents.Fetched));
    }

    [Theory]
    [InlineData("https://shop.example/identity/.well-known/jwks", "http://users/.well-known/jwks")]
    [InlineData("https://shop.example/.well-known/jwks", "https://shop.example/.well-known/jwks")]
    [InlineData("https://shop.example/identityother/jwks", "https://shop.example/identityother/jwks")]
    public async Task AnIssuerWithAPathMapsOnlyWhatIsUnderIt(string named, string fetched)
    {
        var documents = new RecordedDocuments();

        await new IssuerDocumentRetriever(documents, new Uri("https://shop.example/identity/"), InternalIssuer)
            .GetDocumentAsync(named, TestContext.Current.CancellationToken);

        Assert.Equal(fetched, Assert.Single(documents.Fetched));
    }

    /// <summary>Answers the documents it holds (an empty object otherwise), and records every address asked for.</summary>
    private sealed class RecordedDocuments(IReadOnlyDictionary<string, string>? documents = null) : IDocumentRetriever
    {
        public List<string> Fetched { get; } = [];

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            Fetched.Add(address);
            return Task.FromResult(documents?.GetValueOrDefault(address) ?? "{}");
        }
    }
}
