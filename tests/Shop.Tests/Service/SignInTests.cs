using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>Signing in at the users service's token endpoint: who gets a token, how guessing is held back, how errors look.</summary>
public sealed class SignInTests(InProcessServicesFixture services)
{
    private UsersServiceHost Users => services.Users;

    /// <summary>A deployment runs in Production: the workshop's sample users stay out, the administrator and the service clients do not.</summary>
    [Fact]
    public async Task OutsideDevelopmentTheAdministratorAndTheServiceClientsCanSignInAndNoSampleUserExists()
    {
        await using var production = new UsersServiceHost { HostEnvironment = Environments.Production };

        var admin = await production.RequestTokenAsync(UsersServiceHost.AdminEmail, UsersServiceHost.AdminPassword);
        Assert.True(admin.StatusCode == HttpStatusCode.OK, await admin.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var anonymous = production.As(Caller.Anonymous);
        var orders = await anonymous.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead);
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        using var asAdmin = production.As(Caller.Admin());
        var users = await asAdmin.GetAsync<PageDto<UserDto>>("/users");
        Assert.Equal([UsersServiceHost.AdminEmail], users.Items.Select(u => u.Email));
    }

    /// <summary>
    /// The administrator's password is the configured one (the AppHost's <c>admin-password</c> parameter): set anew, it
    /// takes effect at the next start, and the old one stops working.
    /// </summary>
    [Fact]
    public async Task AChangedAdministratorPasswordTakesEffectAtTheNextStart()
    {
        await using var first = new UsersServiceHost();
        Assert.Equal(HttpStatusCode.OK, (await first.RequestTokenAsync(UsersServiceHost.AdminEmail, UsersServiceHost.AdminPassword)).StatusCode);

        await using var restarted = new UsersServiceHost(settings:
        [
            ($"ConnectionStrings:{ShopResources.UsersDatabase}", $"Data Source={first.DatabaseFile}"),
            ("Identity:Admin:Password", "a new password for the administrator")
        ]);

        Assert.Equal(HttpStatusCode.OK, (await restarted.RequestTokenAsync(UsersServiceHost.AdminEmail, "a new password for the administrator")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await restarted.RequestTokenAsync(UsersServiceHost.AdminEmail, UsersServiceHost.AdminPassword)).StatusCode);
    }

    /// <summary>
    /// Replicas starting together each register the service clients in turn: one that starts beside another that
    /// already serves leaves the client good at both. The secret is the configured one: set anew, it takes effect at the
    /// next start, and the old one stops working.
    /// </summary>
    [Fact]
    public async Task AServiceClientStaysGoodAtEveryReplicaWhenAnotherStartsAndAChangedSecretTakesEffectAtTheNextStart()
    {
        await using var first = new UsersServiceHost();
        using var atFirst = first.As(Caller.Anonymous);
        Assert.Equal(HttpStatusCode.OK, (await atFirst.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead)).StatusCode);

        await using (var second = new UsersServiceHost(settings: [($"ConnectionStrings:{ShopResources.UsersDatabase}", $"Data Source={first.DatabaseFile}")]))
        {
            using var atSecond = second.As(Caller.Anonymous);
            Assert.Equal(HttpStatusCode.OK, (await atSecond.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead)).StatusCode);
            var againAtFirst = await atFirst.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead);
            Assert.True(againAtFirst.StatusCode == HttpStatusCode.OK, await againAtFirst.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await using var rotated = new UsersServiceHost(settings:
        [
            ($"ConnectionStrings:{ShopResources.UsersDatabase}", $"Data Source={first.DatabaseFile}"),
            ($"Identity:Clients:{ShopServices.Orders}", "a new secret for the orders service")
        ]);
        using var atRotated = rotated.As(Caller.Anonymous);
        Assert.Equal(HttpStatusCode.OK, (await atRotated.RequestServiceTokenAsync("a new secret for the orders service", ShopScopes.UsersRead)).StatusCode);
        var old = await atRotated.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead);
        Assert.NotEqual(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(await old.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AWrongPasswordGetsNoToken()
    {
        var user = await Users.RegisterAsync(password: "the right password");

        var response = await Users.RequestTokenAsync(user.Email, "the wrong password");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    /// <summary>The token endpoint answers as OAuth 2.0 (RFC 6749, section 5.2) says, since OAuth clients read that format, not problems.</summary>
    [Theory]
    [InlineData("grant_type=password&username=alice@example.com", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=abc", "application/x-www-form-urlencoded", "unsupported_grant_type")]
    [InlineData("grant_type=authorization_code&code=abc", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("grant_type=password&grant_type=client_credentials&username=a&password=b", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("""{"grant_type":"password","username":"alice@example.com","password":"x"}""", "application/json", "invalid_request")]
    [InlineData($"grant_type=client_credentials&client_id={ShopServices.Orders}&client_secret=wrong&scope={ShopScopes.Reservations}", "application/x-www-form-urlencoded", "invalid_client")]
    [InlineData("grant_type=client_credentials&client_id=nobody&client_secret=x", "application/x-www-form-urlencoded", "invalid_client")]
    [InlineData("", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("grant_type=password&username=a%00b&password=x", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData($"grant_type=client_credentials&client_id={ShopServices.Orders}&client_secret=%00", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("grant_type=password&username=alice@example.com&password=x", "application/x-www-form-urlencoded; charset=bogus", "invalid_grant")]
    [InlineData("grant_type=password&username=alice@example.com&password=x", "application/x-www-form-urlencoded; charset=utf-7", "invalid_request")]
    public async Task TokenEndpointErrorsKeepTheOAuthFormat(string body, string contentType, string error)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        using var anonymous = Users.As(Caller.Anonymous);
        var response = await anonymous.PostAsync(ShopIdentity.TokenPath, content, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"Got {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(error, answer.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("error_description").GetString()));
        Assert.False(answer.TryGetProperty("access_token", out _));
    }

    /// <summary>
    /// On a users service of its own whose clock only the test moves: however slowly passwords hash on a busy machine,
    /// every attempt falls in one window, and the window ends when the test says so.
    /// </summary>
    [Fact]
    public async Task GuessingPasswordsForOneAccountFromOneAddressHitsA429WithRetryAfter()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var users = new UsersServiceHost { Clock = clock };
        var user = await users.RegisterAsync(password: "a password nobody guesses");

        var attempts = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            attempts.Add(await users.RequestTokenAsync(user.Email, $"guess {attempt}"));
        }

        // Five failures per account and address in a window are answered; the sixth attempt is held back, whatever its password.
        Assert.All(attempts[..5], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        await attempts[5].ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(attempts[5].Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await users.RequestTokenAsync(user.Email, "a password nobody guesses")).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(user.Email, "a password nobody guesses")).StatusCode);
    }

    /// <summary>Right passwords are not failures: an owner signing in again and again is never held back by the failure limits.</summary>
    [Fact]
    public async Task SigningInWithTheRightPasswordIsNeverHeldBackByTheFailureLimits()
    {
        await using var users = new UsersServiceHost(withCache: false, ("RateLimits:SignInFailuresPerAccountAndAddress", "1"));
        var user = await users.RegisterAsync(password: "the right password");

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            answers.Add((await users.RequestTokenAsync(user.Email, "the right password")).StatusCode);
        }

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    /// <summary>There is no published administrator's email: with a password and no email, the service says what is missing and does not start.</summary>
    [Fact]
    public async Task WithAnAdministratorPasswordButNoEmailTheServiceRefusesToStart()
    {
        await using var users = new UsersServiceHost(withCache: false, ("Identity:Admin:Email", ""));

        var failure = Record.Exception(() => users.Server);

        Assert.NotNull(failure);
        Assert.Contains("Identity:Admin:Email", failure.ToString(), StringComparison.Ordinal);
    }
}
