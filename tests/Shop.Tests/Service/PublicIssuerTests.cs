using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.ProductService.Data;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Tokens name the issuer's public address (<c>Identity:Issuer</c>), which the discovery document names too, with its
/// key set under it; a service accepts tokens naming that issuer and no other, and fetches the document and the keys
/// from the issuer's name inside the network, never from the public address, which a pod may not reach.
/// </summary>
public sealed class PublicIssuerTests : IAsyncLifetime
{
    private const string PublicIssuer = "https://shop.example/";

    private readonly PublicIssuerProductsHost _products = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _products.DisposeAsync();

    [Fact]
    public async Task ATokenNamingThePublicIssuerIsAcceptedWithTheKeysFetchedInsideTheNetwork()
    {
        var response = await GetProductsAsync(TokenForge.InProcess.WithIssuer(new Uri(PublicIssuer)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            [$"{PublicIssuerProductsHost.InternalAddress}/.well-known/jwks", $"{PublicIssuerProductsHost.InternalAddress}/.well-known/openid-configuration"],
            _products.Fetched.Distinct().Order());
    }

    [Fact]
    public async Task ATokenNamingTheIssuersInternalNameIsRefused()
    {
        var response = await GetProductsAsync(TokenForge.InProcess);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("issuer", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<HttpResponseMessage> GetProductsAsync(TokenForge forge)
    {
        using var client = _products.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", forge.Create(ShopServices.Products, "7", role: ShopRoles.Customer));
        return await client.GetAsync("/products", TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The products service with the public issuer set, fetching the issuer's documents from a users service that answers
    /// only at its internal address and names the public one in its discovery document, as the users service does.
    /// </summary>
    private sealed class PublicIssuerProductsHost() : ServiceHost<ProductsDbContext>(withCache: false)
    {
        public const string InternalAddress = "http://users.internal";

        private readonly ConcurrentQueue<string> _fetched = new();

        /// <summary>Every address the service fetched an issuer's document from.</summary>
        public IEnumerable<string> Fetched => _fetched;

        public override string Audience => ShopServices.Products;

        protected override string DatabaseName => ShopResources.ProductsDatabase;

        protected override bool FetchesIssuerKeys => true;

        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            (ShopIdentity.IssuerSetting, PublicIssuer),
            ($"services:{ShopServices.Users}:http:0", InternalAddress)
        ];

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddHttpClient(AuthenticationExtensions.IssuerMetadataClient).ConfigurePrimaryHttpMessageHandler(() => new Issuer(_fetched));

        private sealed class Issuer(ConcurrentQueue<string> fetched) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var address = request.RequestUri!.GetLeftPart(UriPartial.Path);
                fetched.Enqueue(address);
                object? document = address switch
                {
                    $"{InternalAddress}/.well-known/openid-configuration" => new Dictionary<string, object>
                    {
                        ["issuer"] = PublicIssuer,
                        ["jwks_uri"] = $"{PublicIssuer}.well-known/jwks",
                        ["token_endpoint"] = $"{PublicIssuer}connect/token"
                    },
                    $"{InternalAddress}/.well-known/jwks" => new { keys = new[] { TokenForge.InProcess.PublicJwk() } },
                    _ => null
                };
                return document is null
                    ? throw new HttpRequestException($"{address} cannot be reached from inside the network.")
                    : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(document), RequestMessage = request });
            }
        }
    }
}
