using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Browser sign-in with two replicas of the users service: the steps of one person's sign-in may each reach either
/// replica, because the codes, the session, the refresh tokens and their revocation live in the users database, not in
/// the process that made them. The test addresses the replicas one by one, past the orchestrator's proxy, so that it
/// chooses which replica takes each step. The application is <see cref="BrowserApp.Storefront"/>, which every test
/// topology registers.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class ReplicaSignInTests(ReplicaTopologyFixture fixture)
{
    private static readonly BrowserApp Storefront = BrowserApp.Storefront;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCodeFlowsStepsSucceedAtAlternateUsersReplicasAndASignOutAtOneEndsTheRefreshTokenAtTheOther()
    {
        var shop = await fixture.TopologyAsync();
        var password = Guid.NewGuid().ToString("N");
        var person = await shop.As(Caller.Anonymous).Users.RegisterAsync("Mila", 29, password);
        var replicas = await shop.ReplicasAsync(ShopServices.Users);
        Assert.Equal(ReplicaTopologyFixture.Replicas, replicas.Count);
        var (a, b) = (replicas[0], replicas[1]);
        using var atA = ShopTopology.ClientOf(a);
        using var atB = ShopTopology.ClientOf(b);
        // One browser for both replicas. Cookies belong to a host, not to a port (RFC 6265, section 8.5): the session
        // cookie that replica A sets is sent to replica B, on the same host at another port, as a browser sends it to
        // whichever replica the proxy picks.
        using var browser = BrowserSession.Over(a.Address);
        var pkce = Pkce.Create();

        // The authorization request and the sign-in form at A...
        var back = await Storefront.SignInAsync(browser, pkce, person.Email, password, state: "replicas");
        Assert.All(back.Trail, step => Assert.Equal(a.Address.Authority, step.Url.Authority));
        Assert.Equal("replicas", back.RedirectParameters["state"]);

        // ...the code redeemed at B...
        var tokens = await (await Storefront.RedeemAsync(atB, Storefront.CodeFrom(back), pkce.Verifier)).ReadTokensAsync();
        await AssertAcceptedByEveryOrdersReplicaAsync(shop, tokens.AccessToken);

        // ...refreshed at A...
        var refreshed = await (await Storefront.RefreshAsync(atA, tokens.RefreshToken!)).ReadTokensAsync();
        await AssertAcceptedByEveryOrdersReplicaAsync(shop, refreshed.AccessToken);

        // ...signed out at B, with the session cookie A set...
        var confirmation = await browser.OpenAsync(Storefront.EndSession(b.Address, tokens.IdToken!, state: "bye"));
        Assert.Equal(b.Address.Authority, confirmation.Url.Authority);
        var signedOut = await browser.SubmitAsync(confirmation.Form("Sign out"), new Dictionary<string, string>());
        Assert.Equal(Storefront.PostLogoutRedirectUri, signedOut.RedirectEndpoint);
        Assert.Equal("bye", signedOut.RedirectParameters["state"]);

        // ...and the refresh token that A issued, and took before the sign-out, is refused at A.
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(atA, refreshed.RefreshToken!)).ReadOAuthErrorAsync());
    }

    /// <summary>Asserts that every orders replica takes <paramref name="accessToken"/>: it answers the person's list of orders.</summary>
    private static async Task AssertAcceptedByEveryOrdersReplicaAsync(ShopTopology shop, string accessToken)
    {
        foreach (var replica in await shop.ReplicasAsync(ShopServices.Orders))
        {
            using var orders = ShopTopology.ClientOf(replica, accessToken);
            var response = await orders.GetAsync("/orders", Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"{replica.Id} answered {(int)response.StatusCode} to the access token: {await response.Content.ReadAsStringAsync(Cancellation)}");
        }
    }
}
