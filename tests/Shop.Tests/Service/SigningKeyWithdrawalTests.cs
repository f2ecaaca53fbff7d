using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// A signing key that leaked is withdrawn with <c>DELETE /signing-keys/{keyId}</c>: the users service that takes the
/// request refuses the key's tokens at once, even tokens it has just found good, and signs with a new key from then on;
/// a service that fetches the published keys refuses them once it has fetched the key set again.
/// </summary>
public sealed class SigningKeyWithdrawalTests : IAsyncLifetime
{
    private const string AdminEmail = "key-admin@example.com";

    // Keys in the users database, as in a deployment, rather than in the file the other in-process hosts share. The key
    // refresh interval is the default minute: a token this service has found good would be remembered that long.
    private readonly UsersServiceHost _users = new(settings: [("Identity:SigningKeyPath", ""), ("Identity:Admin:Email", AdminEmail)]);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _users.DisposeAsync();

    [Fact]
    public async Task AWithdrawnKeysTokensAreRefusedByTheIssuerAtOnceAndANewKeySigns()
    {
        using var admin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var (customer, customerToken) = await CustomerAsync();
        using var customerClient = Bearer(_users.CreateClient(), customerToken);
        // Twice, so that the service has found the token good and remembers it.
        Assert.Equal(HttpStatusCode.OK, (await customerClient.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customerClient.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
        var leaked = (await (await admin.GetAsync("/signing-keys", Cancellation)).ReadAsync<List<SigningKeyDto>>(HttpStatusCode.OK)).Single(k => k.State == "signing");
        Assert.Contains(leaked.KeyId, await PublishedKeyIdsAsync());

        var asked = DateTimeOffset.UtcNow;
        var withdrawal = await (await admin.DeleteAsync($"/signing-keys/{leaked.KeyId}", Cancellation)).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.Equal(leaked.KeyId, withdrawal.GetProperty("withdrawn").GetString());
        Assert.True(withdrawal.GetProperty("newKeySigns").GetBoolean());
        var signing = withdrawal.GetProperty("signing");
        Assert.Equal("signing", signing.GetProperty("state").GetString());
        Assert.NotEqual(leaked.KeyId, signing.GetProperty("keyId").GetString());
        // Two refresh intervals: the other users replicas read the keys again, then the other services fetch them.
        Assert.InRange(withdrawal.GetProperty("refusedEverywhereBy").GetDateTimeOffset() - asked, TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(150));

        var refused = await customerClient.GetAsync($"/users/{customer.Id}", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/signing-keys", Cancellation)).StatusCode);
        Assert.DoesNotContain(leaked.KeyId, await PublishedKeyIdsAsync());

        using var newAdmin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var keys = await (await newAdmin.GetAsync("/signing-keys", Cancellation)).ReadAsync<List<SigningKeyDto>>(HttpStatusCode.OK);
        Assert.DoesNotContain(keys, k => k.KeyId == leaked.KeyId);
        Assert.Equal(signing.GetProperty("keyId").GetString(), keys.Single(k => k.State == "signing").KeyId);
        using var signedInAgain = Bearer(_users.CreateClient(), await TokenAsync(customer.Email));
        Assert.Equal(HttpStatusCode.OK, (await signedInAgain.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task WithdrawingAKeyThatDoesNotSignLeavesTheSigningKeySigning()
    {
        using var admin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var pending = await (await admin.PostAsync("/signing-keys", null, Cancellation)).ReadAsync<SigningKeyDto>(HttpStatusCode.Created);
        Assert.Contains(pending.KeyId, await PublishedKeyIdsAsync());

        var withdrawal = await (await admin.DeleteAsync($"/signing-keys/{pending.KeyId}", Cancellation)).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.False(withdrawal.GetProperty("newKeySigns").GetBoolean());
        Assert.DoesNotContain(pending.KeyId, await PublishedKeyIdsAsync());
        // The admin's token, signed by the key that still signs, stays good.
        var keys = await (await admin.GetAsync("/signing-keys", Cancellation)).ReadAsync<List<SigningKeyDto>>(HttpStatusCode.OK);
        Assert.DoesNotContain(keys, k => k.KeyId == pending.KeyId);
        Assert.Equal(withdrawal.GetProperty("signing").GetProperty("keyId").GetString(), keys.Single(k => k.State == "signing").KeyId);
    }

    [Fact]
    public async Task WithdrawingAnUnknownKeyAnswers404AndChangesNothing()
    {
        using var admin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var before = await PublishedKeyIdsAsync();

        var response = await admin.DeleteAsync("/signing-keys/no-such-key", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await PublishedKeyIdsAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/signing-keys", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task AServiceThatFetchesTheKeysRefusesAWithdrawnKeysTokensAfterItsNextFetch()
    {
        // The orders service, fetching the issuer's discovery document and key set from this users service every second.
        // Disposing the host disposes the factory derived from it too.
        await using var ordersHost = new OrdersServiceHost(settings: ("Identity:KeyRefreshInterval", "00:00:01"));
        var orders = ordersHost.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddHttpClient(AuthenticationExtensions.IssuerMetadataClient).ConfigurePrimaryHttpMessageHandler(() => _users.Server.CreateHandler())));
        var (customer, token) = await CustomerAsync();
        ordersHost.Peers.AddUser(customer.Id);
        using var customerClient = Bearer(orders.CreateClient(), token);
        Assert.Equal(HttpStatusCode.OK, (await customerClient.GetAsync("/orders", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customerClient.GetAsync("/orders", Cancellation)).StatusCode);
        using var admin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var leaked = (await (await admin.GetAsync("/signing-keys", Cancellation)).ReadAsync<List<SigningKeyDto>>(HttpStatusCode.OK)).Single(k => k.State == "signing");

        var withdrawn = Stopwatch.StartNew();
        (await admin.DeleteAsync($"/signing-keys/{leaked.KeyId}", Cancellation)).EnsureSuccessStatusCode();

        await Eventually.HoldsAsync(async () => (await customerClient.GetAsync("/orders", Cancellation)).StatusCode == HttpStatusCode.Unauthorized,
            "The orders service still accepted a token signed with the withdrawn key.", within: TimeSpan.FromSeconds(30));
        TestContext.Current.TestOutputHelper?.WriteLine($"The orders service refused the withdrawn key's tokens {withdrawn.ElapsedMilliseconds} ms after the withdrawal.");
        using var signedInAgain = Bearer(orders.CreateClient(), await TokenAsync(customer.Email));
        await Eventually.HoldsAsync(async () => (await signedInAgain.GetAsync("/orders", Cancellation)).StatusCode == HttpStatusCode.OK,
            "The orders service did not accept a token signed with the new key.", within: TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await customerClient.GetAsync("/orders", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task AnotherUsersReplicaRefusesAWithdrawnKeysTokensWhenItNextReadsTheKeys()
    {
        var (customer, token) = await CustomerAsync();
        // A second replica on the same database, whose key refresh falls due only when the test moves its clock on.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var replica = new UsersServiceHost(settings:
        [
            ("Identity:SigningKeyPath", ""),
            ("Identity:Admin:Email", AdminEmail),
            ($"ConnectionStrings:{ShopResources.UsersDatabase}", $"Data Source={_users.DatabaseFile}")
        ]) { Clock = clock };
        using var atReplica = Bearer(replica.CreateClient(), token);
        Assert.Equal(HttpStatusCode.OK, (await atReplica.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
        using var admin = Bearer(_users.CreateClient(), await AdminTokenAsync());
        var leaked = (await (await admin.GetAsync("/signing-keys", Cancellation)).ReadAsync<List<SigningKeyDto>>(HttpStatusCode.OK)).Single(k => k.State == "signing");

        (await admin.DeleteAsync($"/signing-keys/{leaked.KeyId}", Cancellation)).EnsureSuccessStatusCode();

        // Until it reads the keys again, the other replica still trusts the key: the bound the answer states.
        Assert.Equal(HttpStatusCode.OK, (await atReplica.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
        using var signedInAgain = Bearer(replica.CreateClient(), await TokenAsync(customer.Email));
        Assert.Equal(HttpStatusCode.Unauthorized, (await signedInAgain.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);

        clock.Advance(ShopIdentity.DefaultKeyRefreshInterval);

        await Eventually.HoldsAsync(async () => (await atReplica.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode == HttpStatusCode.Unauthorized,
            "The other users replica still accepted a token signed with the withdrawn key after reading the keys again.", within: TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await signedInAgain.GetAsync($"/users/{customer.Id}", Cancellation)).StatusCode);
    }

    private async Task<(UserDto User, string Token)> CustomerAsync()
    {
        var customer = await _users.RegisterAsync();
        return (customer, await TokenAsync(customer.Email));
    }

    private Task<string> AdminTokenAsync() => TokenAsync(AdminEmail, UsersServiceHost.AdminPassword);

    private async Task<string> TokenAsync(string email, string password = "a password to remember")
    {
        var response = await _users.RequestTokenAsync(email, password);
        return (await response.ReadAsync<JsonElement>(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
    }

    private async Task<IReadOnlyList<string>> PublishedKeyIdsAsync()
    {
        using var anonymous = _users.CreateClient();
        var jwks = await anonymous.GetFromJsonAsync<JsonElement>("/.well-known/jwks", Cancellation);
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString()!)];
    }

    private static HttpClient Bearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
