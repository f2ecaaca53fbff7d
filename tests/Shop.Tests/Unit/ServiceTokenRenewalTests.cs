using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.ServiceDefaults.Http;

namespace Shop.Tests.Unit;

/// <summary>
/// A service keeps its own token for most of the token's lifetime; when another service refuses it (its signing key was
/// withdrawn), the call is sent once more with a new token rather than failing until the old one would have been renewed.
/// </summary>
public sealed class ServiceTokenRenewalTests
{
    private const string Peer = "peer";

    private readonly Issuer _issuer = new();
    private readonly PeerService _peer = new();

    [Fact]
    public async Task ACallRefusedWith401IsSentOnceMoreWithANewTokenWhichLaterCallsKeep()
    {
        _peer.Refused.Add("token-1");
        using var services = Services();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(Peer);

        var first = await client.PostAsJsonAsync("/reservations", new { orderId = 1 }, TestContext.Current.CancellationToken);
        var second = await client.GetAsync("/reservations/1", TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(["token-1", "token-2", "token-2"], _peer.Seen);
        Assert.Equal(["{\"orderId\":1}", "{\"orderId\":1}", ""], _peer.Bodies);
        Assert.Equal(2, _issuer.Issued);
    }

    [Fact]
    public async Task ACallRefusedWithEveryTokenIsSentOnceMoreOnlyAndAnswers401()
    {
        _peer.RefusesAll = true;
        using var services = Services();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(Peer);

        var response = await client.GetAsync("/reservations/1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["token-1", "token-2"], _peer.Seen);
        Assert.Equal(2, _issuer.Issued);
    }

    private ServiceProvider Services()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Identity:ClientSecret"] = "a secret for tests";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceIdentity(ShopServices.Orders, ShopScopes.Reservations);
        builder.Services.AddHttpClient(ServiceTokenSource.HttpClientName, client => client.BaseAddress = new("http://users.test"))
            .ConfigurePrimaryHttpMessageHandler(() => _issuer);
        builder.Services.AddHttpClient(Peer, client => client.BaseAddress = new("http://products.test"))
            .AddHttpMessageHandler<ServiceTokenHandler>()
            .ConfigurePrimaryHttpMessageHandler(() => _peer);
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>A token endpoint that answers a new token each time: token-1, token-2, …</summary>
    private sealed class Issuer : HttpMessageHandler
    {
        private int _issued;

        public int Issued => _issued;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new Dictionary<string, object>
                {
                    ["access_token"] = $"token-{Interlocked.Increment(ref _issued)}",
                    ["token_type"] = "Bearer",
                    ["expires_in"] = 900
                })
            });
    }

    /// <summary>A service that refuses some tokens, or all, and records each token and body it was sent.</summary>
    private sealed class PeerService : HttpMessageHandler
    {
        public ConcurrentBag<string> Refused { get; } = [];

        public bool RefusesAll { get; set; }

        public List<string> Seen { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = request.Headers.Authorization?.Parameter ?? "";
            Seen.Add(token);
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(RefusesAll || Refused.Contains(token) ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
        }
    }
}
