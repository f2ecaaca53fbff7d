using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// A signed-in person changes their password at <c>PUT /users/me/password</c>, proving it is them with the current one;
/// a wrong one is a failed sign-in, under the same limits as at the token endpoint.
/// </summary>
public sealed class PasswordChangeTests
{
    private const string OldPassword = "the first password";
    private const string NewPassword = "the second password";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AChangedPasswordSignsInAndTheOldOneNoLonger()
    {
        await using var users = new UsersServiceHost();
        var (id, email, token) = await SignedInAsync(users);
        using var client = WithToken(users, token);

        Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync(client, OldPassword, NewPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(email, NewPassword)).StatusCode);
        var old = await users.RequestTokenAsync(email, OldPassword);
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(await old.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("error").GetString());
        // As docs/api.md says: a token issued before the change stays good until it expires.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/users/{id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task AWrongCurrentPasswordIsA400NamingItAndChangesNothing()
    {
        await using var users = new UsersServiceHost();
        var (_, email, token) = await SignedInAsync(users);
        using var client = WithToken(users, token);

        var response = await ChangeAsync(client, "not the password", NewPassword);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("CurrentPassword", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(email, OldPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await users.RequestTokenAsync(email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task ANewPasswordFollowsTheRulesOfRegistration()
    {
        await using var users = new UsersServiceHost();
        var (_, email, token) = await SignedInAsync(users);
        using var client = WithToken(users, token);

        var response = await ChangeAsync(client, OldPassword, "short");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("NewPassword", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(email, OldPassword)).StatusCode);
    }

    [Fact]
    public async Task NobodyChangesAPasswordWithoutSigningIn()
    {
        await using var users = new UsersServiceHost();
        using var anonymous = users.As(Caller.Anonymous);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ChangeAsync(anonymous, OldPassword, NewPassword)).StatusCode);
    }

    /// <summary>The configured administrator's password is the setting, which every start applies: it is changed there, not here.</summary>
    [Fact]
    public async Task TheConfiguredAdministratorIsToldToChangeTheSetting()
    {
        await using var users = new UsersServiceHost();
        var response = await users.RequestTokenAsync(UsersServiceHost.AdminEmail, UsersServiceHost.AdminPassword);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var admin = WithToken(users, JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!);

        var problem = await (await ChangeAsync(admin, UsersServiceHost.AdminPassword, NewPassword)).ReadProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Identity:Admin:Password", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(UsersServiceHost.AdminEmail, UsersServiceHost.AdminPassword)).StatusCode);
    }

    /// <summary>On a clock only the test moves, so that every guess falls in one window however slow the machine.</summary>
    [Fact]
    public async Task WrongCurrentPasswordsCountAsFailedSignIns()
    {
        await using var users = new UsersServiceHost(withCache: false, ("RateLimits:SignInFailuresPerAccountAndAddress", "2"))
        {
            Clock = new FakeTimeProvider(DateTimeOffset.UtcNow)
        };
        var (_, email, token) = await SignedInAsync(users);
        using var client = WithToken(users, token);

        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(client, "guess one", NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(client, "guess two", NewPassword)).StatusCode);

        var held = await ChangeAsync(client, OldPassword, NewPassword);
        await held.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(held.Headers.RetryAfter?.Delta);
        // The same failures hold back a sign-in from the same address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await users.RequestTokenAsync(email, OldPassword)).StatusCode);
    }

    private static async Task<(int Id, string Email, string Token)> SignedInAsync(UsersServiceHost users)
    {
        var user = await users.RegisterAsync(password: OldPassword);
        var response = await users.RequestTokenAsync(user.Email, OldPassword);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (user.Id, user.Email, JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!);
    }

    private static HttpClient WithToken(UsersServiceHost users, string token)
    {
        var client = users.As(Caller.Anonymous);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string currentPassword, string newPassword) =>
        client.PutAsJsonAsync("/users/me/password", new { currentPassword, newPassword }, Cancellation);
}
