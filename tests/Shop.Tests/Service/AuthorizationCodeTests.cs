using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// A person signs in at the users service the way browsers should (authorization code with PKCE), as a browser without
/// JavaScript drives it: the authorization request, the sign-in page, the code back at the application, the tokens for
/// the code, a refresh, and sign-out; and every way of bending the flow that the issuer must refuse. The applications
/// (<see cref="BrowserApp.Storefront"/>, <see cref="BrowserApp.BackOffice"/>) are registered in the users service's
/// settings; each test signs in a person of its own.
/// </summary>
public sealed class AuthorizationCodeTests(AuthorizationCodeTests.Issuer issuer) : IClassFixture<AuthorizationCodeTests.Issuer>
{
    private const string Password = "a password to remember";
    private const string SignInPath = "/account/signin";
    private const string SessionCookie = "shop.session";

    private static readonly BrowserApp Storefront = BrowserApp.Storefront;
    private static readonly BrowserApp BackOffice = BrowserApp.BackOffice;

    private UsersServiceHost Users => issuer.Users;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APersonSignsInOnTheSignInPageAndTheCodeBuysTokensTheUsersServiceAccepts()
    {
        using var visit = await VisitAsync();
        var (person, browser, _) = visit;
        var pkce = Pkce.Create();

        var signIn = await browser.OpenAsync(Storefront.Authorization(pkce, state: "af0ifjsldkj", nonce: "n-0S6_WzA2Mj").At(browser.Origin));

        Assert.Equal([HttpStatusCode.Found, HttpStatusCode.OK], signIn.Trail.Select(step => step.Status));
        Assert.Equal(SignInPath, signIn.Url.AbsolutePath);
        var form = signIn.Form("Sign in");
        Assert.Null(browser.CookieNamed(SessionCookie));

        var back = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = Password });

        // The sign-in sets the session and returns to the authorization request, which sends the browser back to the application.
        Assert.Equal(
            [(HttpMethod.Post, SignInPath), (HttpMethod.Get, ShopIdentity.AuthorizationPath)],
            back.Trail.Select(step => (step.Method, step.Url.AbsolutePath)));
        var session = Assert.Single(back.Trail[0].SetCookies, cookie => cookie.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Found, back.Status);
        var code = Storefront.CodeFrom(back);
        Assert.Equal("af0ifjsldkj", back.RedirectParameters["state"]);

        using var client = Users.As(Caller.Anonymous);
        var tokens = await (await Storefront.RedeemAsync(client, code, pkce.Verifier)).ReadTokensAsync();

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.NotNull(tokens.RefreshToken);
        Assert.Equal(ShopIdentity.Issuer, tokens.Access.Issuer);
        Assert.Equal(person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), tokens.Access.Subject);
        Assert.Equal(person.Email, tokens.Access.GetClaim("email").Value);
        Assert.Superset(ShopServices.All.ToHashSet(), tokens.Access.Audiences.ToHashSet());
        Assert.Equal([Storefront.ClientId], tokens.Identity.Audiences);
        Assert.Equal(tokens.Access.Subject, tokens.Identity.Subject);
        Assert.Equal("n-0S6_WzA2Mj", tokens.Identity.GetClaim("nonce").Value);
        Assert.Equal(person, await RecordAsync(tokens.AccessToken, person.Id));
    }

    [Fact]
    public async Task ARefreshGivesANewPairWhoseAccessTokenIsAccepted()
    {
        using var visit = await VisitAsync();
        var (person, _, client) = visit;
        var first = await visit.SignInAsync();

        var second = await (await Storefront.RefreshAsync(client, first.RefreshToken!)).ReadTokensAsync();

        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.NotNull(second.RefreshToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(first.Access.Subject, second.Access.Subject);
        Assert.Equal(person, await RecordAsync(second.AccessToken, person.Id));
    }

    [Fact]
    public async Task SigningOutConfirmsReturnsToTheApplicationEndsTheSessionAndRefusesTheRefreshToken()
    {
        using var visit = await VisitAsync();
        var (_, browser, client) = visit;
        var signedIn = await visit.SignInAsync();
        var latest = await (await Storefront.RefreshAsync(client, signedIn.RefreshToken!)).ReadTokensAsync();

        var confirmation = await browser.OpenAsync(Storefront.EndSession(browser.Origin, signedIn.IdToken!, state: "bye-1"));

        Assert.Equal(HttpStatusCode.OK, confirmation.Status);
        Assert.NotNull(browser.CookieNamed(SessionCookie));
        var signedOut = await browser.SubmitAsync(confirmation.Form("Sign out"), new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Found, signedOut.Status);
        Assert.Equal(Storefront.PostLogoutRedirectUri, signedOut.RedirectEndpoint);
        Assert.Equal("bye-1", signedOut.RedirectParameters["state"]);
        Assert.Null(browser.CookieNamed(SessionCookie));
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(client, latest.RefreshToken!)).ReadOAuthErrorAsync());
        // Signing in again asks for the password.
        var again = await browser.OpenAsync(Storefront.Authorization(Pkce.Create(), state: "again").At(browser.Origin));
        Assert.Equal(SignInPath, again.Url.AbsolutePath);
        Assert.True(again.HasForm("Sign in"), again.Text);
    }

    [Fact]
    public async Task ASecondApplicationSignsInWithTheSessionWithoutAskingForThePassword()
    {
        using var visit = await VisitAsync();
        var (_, browser, client) = visit;
        var atStorefront = await visit.SignInAsync();
        var pkce = Pkce.Create();

        var back = await browser.OpenAsync(BackOffice.Authorization(pkce, state: "office").At(browser.Origin));

        Assert.Equal([ShopIdentity.AuthorizationPath], back.Trail.Select(step => step.Url.AbsolutePath));
        var tokens = await (await BackOffice.RedeemAsync(client, BackOffice.CodeFrom(back), pkce.Verifier)).ReadTokensAsync();
        Assert.Equal("office", back.RedirectParameters["state"]);
        Assert.Equal(atStorefront.Access.Subject, tokens.Access.Subject);
        Assert.Equal([BackOffice.ClientId], tokens.Identity.Audiences);
    }

    [Fact]
    public async Task ACodeRedeemedTwiceIsRefusedAndTheRefreshTokenItBoughtIsRevoked()
    {
        using var visit = await VisitAsync();
        var client = visit.Issuer;
        var pkce = Pkce.Create();
        var code = await visit.CodeAsync(pkce);
        var first = await (await Storefront.RedeemAsync(client, code, pkce.Verifier)).ReadTokensAsync();

        var second = await Storefront.RedeemAsync(client, code, pkce.Verifier);

        Assert.Equal("invalid_grant", await second.ReadOAuthErrorAsync());
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(client, first.RefreshToken!)).ReadOAuthErrorAsync());
    }

    [Fact]
    public async Task ACodeWithAnotherVerifierBuysNothing()
    {
        using var visit = await VisitAsync();
        var client = visit.Issuer;
        var pkce = Pkce.Create();
        var code = await visit.CodeAsync(pkce);

        var response = await Storefront.RedeemAsync(client, code, Pkce.Create().Verifier);

        Assert.Equal("invalid_grant", await response.ReadOAuthErrorAsync());
    }

    [Fact]
    public async Task ACodeWithoutItsVerifierBuysNothing()
    {
        using var visit = await VisitAsync();
        var client = visit.Issuer;
        var pkce = Pkce.Create();
        var code = await visit.CodeAsync(pkce);

        var response = await client.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = Storefront.ClientId,
            ["code"] = code,
            ["redirect_uri"] = Storefront.RedirectUri.AbsoluteUri
        }), Cancellation);

        Assert.Equal("invalid_request", await response.ReadOAuthErrorAsync());
    }

    /// <summary>The plain method sends the verifier itself ahead, where anyone who sees the request can read it: only S256 is taken.</summary>
    [Fact]
    public async Task AnAuthorizationRequestWithThePlainChallengeMethodIsRefusedByTheIssuer()
    {
        using var browser = Browser();
        var pkce = Pkce.Create();

        var answer = await browser.OpenAsync((Storefront.Authorization(pkce, state: "plain") with
        {
            CodeChallenge = pkce.Verifier,
            CodeChallengeMethod = "plain"
        }).At(browser.Origin));

        AssertRefusedByTheIssuer(answer, "The specified 'code_challenge_method' is not supported.");
    }

    [Fact]
    public async Task AnAuthorizationRequestWithoutACodeChallengeIsRefusedByTheIssuer()
    {
        using var browser = Browser();

        var answer = await browser.OpenAsync((Storefront.Authorization(Pkce.Create(), state: "no-pkce") with
        {
            CodeChallenge = null,
            CodeChallengeMethod = null
        }).At(browser.Origin));

        AssertRefusedByTheIssuer(answer, "The mandatory 'code_challenge' parameter is missing.");
    }

    /// <summary>
    /// Redirect URIs match exactly: the issuer never sends a browser (and a signed-in person's code) to an address that
    /// is not registered, however close; it answers the error itself.
    /// </summary>
    [Theory]
    [InlineData("https://attacker.test/signed-in")]
    [InlineData("https://storefront.test/signed-in/")]
    [InlineData("https://storefront.test/Signed-In")]
    [InlineData("https://storefront.test/signed-in?next=https://attacker.test/")]
    [InlineData("http://storefront.test/signed-in")]
    [InlineData("https://storefront.test.attacker.test/signed-in")]
    public async Task ARedirectUriThatIsNotRegisteredExactlyIsNeverRedirectedTo(string redirectUri)
    {
        using var visit = await VisitAsync();
        var browser = visit.Browser;
        await visit.CodeAsync(Pkce.Create());

        var answer = await browser.OpenAsync((Storefront.Authorization(Pkce.Create(), state: "s") with { RedirectUri = redirectUri }).At(browser.Origin));

        AssertRefusedByTheIssuer(answer, "The specified 'redirect_uri' is not valid for this client application.");
    }

    /// <summary>A client that accepts only HTML is told of the refusal too, rather than meeting a server error.</summary>
    [Fact]
    public async Task ARefusedAuthorizationRequestFromAClientThatAcceptsOnlyHtmlIsA400()
    {
        using var client = Users.As(Caller.Anonymous);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var response = await client.GetAsync(
            (Storefront.Authorization(Pkce.Create(), state: "s") with { RedirectUri = "https://attacker.test/signed-in" }).At(client.BaseAddress!), Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"Expected 400, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("a b+c/d=e&f?g%h~i")]
    [InlineData("état-Ünïcode-✓")]
    public async Task TheStateComesBackExactlyAsSent(string state)
    {
        using var visit = await VisitAsync();
        var (person, browser, _) = visit;

        var back = await Storefront.SignInAsync(browser, Pkce.Create(), person.Email, Password, state);

        Storefront.CodeFrom(back);
        Assert.Equal(state, back.RedirectParameters["state"]);
    }

    [Fact]
    public async Task ARequestWithoutAStateGetsNoneBack()
    {
        using var visit = await VisitAsync();
        var (person, browser, _) = visit;

        var back = await Storefront.SignInAsync(browser, Pkce.Create(), person.Email, Password, state: null);

        Storefront.CodeFrom(back);
        Assert.DoesNotContain("state", back.RedirectParameters.Keys);
    }

    /// <summary>Whoever presents a spent refresh token may have stolen it: its whole family is revoked, the successor too.</summary>
    [Fact]
    public async Task ARefreshTokenUsedAgainAfterRotationIsRefusedAndItsSuccessorIsRevoked()
    {
        using var visit = await VisitAsync();
        var client = visit.Issuer;
        var first = await visit.SignInAsync();
        var successor = await (await Storefront.RefreshAsync(client, first.RefreshToken!)).ReadTokensAsync();

        var reused = await Storefront.RefreshAsync(client, first.RefreshToken!);

        Assert.Equal("invalid_grant", await reused.ReadOAuthErrorAsync());
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(client, successor.RefreshToken!)).ReadOAuthErrorAsync());
    }

    [Fact]
    public async Task TheSignInFormPostedWithoutItsAntiforgeryTokenIsRefusedAndSignsNobodyIn()
    {
        using var visit = await VisitAsync();
        var (person, browser, _) = visit;
        var signIn = await browser.OpenAsync(Storefront.Authorization(Pkce.Create(), state: "s").At(browser.Origin));

        var answer = await browser.SubmitAsync(signIn.Form("Sign in"),
            new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = Password }, leaveOut: "__RequestVerificationToken");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Single(answer.Trail);
        Assert.DoesNotContain(answer.SetCookies, cookie => cookie.StartsWith(SessionCookie + "=", StringComparison.Ordinal));
        Assert.Null(browser.CookieNamed(SessionCookie));
        var again = await browser.OpenAsync(Storefront.Authorization(Pkce.Create(), state: "s").At(browser.Origin));
        Assert.Equal(SignInPath, again.Url.AbsolutePath);
    }

    /// <summary>The sign-in page sends a person back only to the issuer's own pages, never to an address named in its link.</summary>
    [Fact]
    public async Task TheSignInPageDoesNotSendThePersonToAnotherSite()
    {
        using var visit = await VisitAsync();
        var (person, browser, _) = visit;
        var signIn = await browser.OpenAsync($"{SignInPath}?ReturnUrl={Uri.EscapeDataString("https://attacker.test/")}");

        var answer = await browser.SubmitAsync(signIn.Form("Sign in"), new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = Password });

        Assert.All(answer.Trail, step => Assert.NotEqual("attacker.test", step.Location?.Host));
        // Signed in all the same, on the issuer's own account page.
        Assert.Equal((HttpStatusCode.OK, browser.Origin.Host), (answer.Status, answer.Url.Host));
        Assert.NotNull(browser.CookieNamed(SessionCookie));
    }

    /// <summary>
    /// The form is held to the sign-in limits of the token endpoint: five failures a window per account and address,
    /// then that address waits, even with the right password. On a clock only the test moves.
    /// </summary>
    [Fact]
    public async Task AWrongPasswordShowsTheFormAgainWithAnErrorAndTheSixthFromOneAddressIsHeldBack()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var users = new UsersServiceHost(withCache: false, [.. BrowserApp.Registrations]) { Clock = clock };
        var person = await users.RegisterAsync(password: Password);
        using var browser = BrowserSession.InProcess(users.Server, IPAddress.Parse("203.0.113.7"));
        var page = await browser.OpenAsync(Storefront.Authorization(Pkce.Create(), state: "s").At(browser.Origin));

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            page = await browser.SubmitAsync(page.Form("Sign in"), new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = $"guess {attempt}" });
            answers.Add(page.Status);
            if (page.Status == HttpStatusCode.BadRequest)
            {
                Assert.Contains("The email or password is wrong.", page.Text, StringComparison.Ordinal);
                Assert.Equal(person.Email, page.Form("Sign in").Elements["Email"]?.GetAttribute("value"));
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 5), HttpStatusCode.TooManyRequests], answers);
        Assert.Null(browser.CookieNamed(SessionCookie));
        var held = await browser.SubmitAsync(page.Form("Sign in"), new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, held.Status);
        Assert.Null(browser.CookieNamed(SessionCookie));

        clock.Advance(TimeSpan.FromMinutes(15));

        var back = await browser.SubmitAsync(held.Form("Sign in"), new Dictionary<string, string> { ["Email"] = person.Email, ["Password"] = Password });
        Storefront.CodeFrom(back);
    }

    [Fact]
    public async Task TheRegisterPageCreatesAnAccountAndContinuesTheFlow()
    {
        using var browser = Browser();
        using var client = Users.As(Caller.Anonymous);
        var pkce = Pkce.Create();
        var email = $"{Guid.NewGuid():N}@example.com";
        var signIn = await browser.OpenAsync(Storefront.Authorization(pkce, state: "new").At(browser.Origin));

        var register = await browser.OpenAsync(signIn.Link("Create an account"));
        var back = await browser.SubmitAsync(register.Form("Create account"), new Dictionary<string, string>
        {
            ["Name"] = "Nora",
            ["Email"] = email,
            ["Age"] = "29",
            ["Password"] = Password
        });

        var tokens = await (await Storefront.RedeemAsync(client, Storefront.CodeFrom(back), pkce.Verifier)).ReadTokensAsync();
        Assert.Equal("new", back.RedirectParameters["state"]);
        var person = await RecordAsync(tokens.AccessToken, tokens.Access.Subject);
        Assert.Equal(("Nora", email, 29), (person.Name, person.Email, person.Age));
        Assert.Equal(HttpStatusCode.OK, (await Users.RequestTokenAsync(email, Password)).StatusCode);
    }

    [Fact]
    public async Task TheRegisterPageShowsAFieldsErrorBesideItAndCreatesNothing()
    {
        using var browser = Browser();
        var email = $"{Guid.NewGuid():N}@example.com";
        var register = await browser.OpenAsync($"/account/register?ReturnUrl={Uri.EscapeDataString(Storefront.Authorization(Pkce.Create(), "s").At(browser.Origin).PathAndQuery)}");

        var answer = await browser.SubmitAsync(register.Form("Create account"), new Dictionary<string, string>
        {
            ["Name"] = "Nora",
            ["Email"] = email,
            ["Age"] = "29",
            ["Password"] = "short"
        });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.True(answer.HasForm("Create account"), answer.Text);
        Assert.Null(browser.CookieNamed(SessionCookie));
        Assert.Equal(HttpStatusCode.BadRequest, (await Users.RequestTokenAsync(email, "short")).StatusCode);
    }

    [Fact]
    public async Task WithoutASessionAPromptNoneRequestIsAnsweredLoginRequiredAtTheApplication()
    {
        using var browser = Browser();

        var answer = await browser.OpenAsync((Storefront.Authorization(Pkce.Create(), state: "silent") with
        {
            Extra = new Dictionary<string, string> { ["prompt"] = "none" }
        }).At(browser.Origin));

        AssertRefusedAtTheApplication(answer, "login_required", state: "silent");
    }

    /// <summary>In Development the password grant stays on, for the quick start and the tests that use it.</summary>
    [Fact]
    public async Task DiscoveryAdvertisesExactlyWhatIsSupported()
    {
        using var client = Users.As(Caller.Anonymous);

        var discovery = await client.GetAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(ShopIdentity.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(
            ["authorization_code", "client_credentials", "password", "refresh_token"],
            Strings(discovery, "grant_types_supported").Order());
        Assert.Equal(["code"], Strings(discovery, "response_types_supported"));
        Assert.Equal(["S256"], Strings(discovery, "code_challenge_methods_supported"));
        // Each endpoint at the address the document was read from.
        Assert.Equal(new Uri(client.BaseAddress!, ShopIdentity.AuthorizationPath).AbsoluteUri, discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(client.BaseAddress!, ShopIdentity.EndSessionPath).AbsoluteUri, discovery.GetProperty("end_session_endpoint").GetString());
    }

    [Fact]
    public async Task WithThePasswordGrantSwitchedOffItIsRefusedAndNotAdvertised()
    {
        await using var users = new UsersServiceHost(withCache: false, [.. BrowserApp.Registrations, (ShopIdentity.PasswordGrantSetting, "false")]);
        var person = await users.RegisterAsync(password: Password);
        using var client = users.As(Caller.Anonymous);

        var refused = await users.RequestTokenAsync(person.Email, Password);

        Assert.Equal("unsupported_grant_type", await refused.ReadOAuthErrorAsync());
        var discovery = await client.GetAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], Strings(discovery, "grant_types_supported").Order());
        // The browser's way in is open.
        using var browser = BrowserSession.InProcess(users.Server);
        await Storefront.SignInForTokensAsync(browser, client, person.Email, Password);
    }

    [Fact]
    public async Task AChangedPasswordRevokesTheRefreshTokensAndEndsTheSession()
    {
        using var visit = await VisitAsync();
        var (_, browser, client) = visit;
        var tokens = await visit.SignInAsync();

        using var asPerson = WithToken(tokens.AccessToken);
        var changed = await asPerson.PutAsJsonAsync("/users/me/password",
            new { currentPassword = Password, newPassword = "another password to remember" }, Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal("invalid_grant", await (await Storefront.RefreshAsync(client, tokens.RefreshToken!)).ReadOAuthErrorAsync());
        var again = await browser.OpenAsync(Storefront.Authorization(Pkce.Create(), state: "again").At(browser.Origin));
        Assert.True(again.HasForm("Sign in"), $"{again}: {again.Text}");
    }

    /// <summary>
    /// The issuer refused the request, and says so to the application (the redirect URI is registered) with
    /// <paramref name="error"/> and the state, and no code.
    /// </summary>
    private static void AssertRefusedAtTheApplication(BrowserPage answer, string error, string state)
    {
        Assert.True(answer.RedirectEndpoint == Storefront.RedirectUri, $"Expected a redirect to {Storefront.RedirectUri}, got {answer}: {answer.Text}");
        Assert.Equal(error, answer.RedirectParameters["error"]);
        Assert.Equal(state, answer.RedirectParameters["state"]);
        Assert.DoesNotContain("code", answer.RedirectParameters.Keys);
    }

    /// <summary>
    /// The issuer answered the authorization request itself, at once, with a 400 problem naming the OAuth error and
    /// <paramref name="detail"/>: the browser is sent nowhere, so no code leaves it.
    /// </summary>
    private static void AssertRefusedByTheIssuer(BrowserPage answer, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Null(answer.Location);
        Assert.Single(answer.Trail);
        var problem = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("invalid_request", problem.GetProperty("error").GetString());
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    private static IEnumerable<string> Strings(JsonElement document, string property) =>
        document.GetProperty(property).EnumerateArray().Select(item => item.GetString()!);

    private BrowserSession Browser() => BrowserSession.InProcess(Users.Server);

    /// <summary>A person with an account of their own, at a browser of their own, and the application's client of the token endpoint.</summary>
    private async Task<Visit> VisitAsync() => new(await Users.RegisterAsync(password: Password), Browser(), Users.As(Caller.Anonymous));

    private sealed record Visit(UserDto Person, BrowserSession Browser, HttpClient Issuer) : IDisposable
    {
        /// <summary>Signs in to the storefront on the sign-in page, and redeems the code for tokens.</summary>
        public Task<TokenSet> SignInAsync() => Storefront.SignInForTokensAsync(Browser, Issuer, Person.Email, Password);

        /// <summary>Signs in to the storefront on the sign-in page, asking with <paramref name="pkce"/>, and answers the code it is sent back with.</summary>
        public async Task<string> CodeAsync(Pkce pkce) => Storefront.CodeFrom(await Storefront.SignInAsync(Browser, pkce, Person.Email, Password));

        public void Dispose()
        {
            Browser.Dispose();
            Issuer.Dispose();
        }
    }

    /// <summary>The person's record, as they read it with <paramref name="accessToken"/>.</summary>
    private async Task<UserDto> RecordAsync(string accessToken, object id)
    {
        using var client = WithToken(accessToken);
        return await client.GetAsync<UserDto>($"/users/{id}");
    }

    private HttpClient WithToken(string accessToken)
    {
        var client = Users.As(Caller.Anonymous);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>The users service the tests share, with the browser applications registered.</summary>
    public sealed class Issuer : IAsyncDisposable
    {
        public UsersServiceHost Users { get; } = new(withCache: false, [.. BrowserApp.Registrations]);

        public ValueTask DisposeAsync() => Users.DisposeAsync();
    }
}
