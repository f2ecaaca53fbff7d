using System.Text.Json;

namespace Shop.Tests.Infrastructure;

/// <summary>The topology's sessions: who a request is sent as, and signing in.</summary>
public sealed partial class ShopTopology
{
    /// <summary>The administrator (<see cref="AppHostSettings.AdminEmail"/>), signed in.</summary>
    private ShopSession _admin = null!;

    /// <summary>The orders service's own identity (client credentials), as it calls the other services.</summary>
    private ShopSession _service = null!;

    /// <summary>
    /// Clients of the three services as <paramref name="caller"/>: the topology's administrator (whatever the user id), a
    /// customer registered by <see cref="ShopApi.CreateCustomerAsync"/>, the orders service with its scopes, or nobody.
    /// </summary>
    public ShopSession As(Caller caller) => caller switch
    {
        Caller.AnonymousCaller => _anonymous,
        Caller.AdminCaller => _admin,
        Caller.CustomerCaller customer => _customers[customer.UserId],
        Caller.ServiceCaller => _service,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "No session for this caller.")
    };

    internal void Remember(int userId, ShopSession session) => _customers[userId] = session;

    /// <summary>Clients of the three services that carry <paramref name="accessToken"/>.</summary>
    public ShopSession SessionWith(string? accessToken) => new(name => _app.CreateHttpClient(name), accessToken);

    /// <summary>Signs in with the password grant; the response is the caller's to check.</summary>
    public Task<HttpResponseMessage> RequestTokenAsync(string email, string password) => _anonymous.Users.RequestTokenAsync(email, password);

    public Task<string> SignInAsync(string email, string password) => SignInAsync(_anonymous.Users, email, password);

    /// <summary>Signs in at <paramref name="users"/> and answers the access token.</summary>
    public static async Task<string> SignInAsync(HttpClient users, string email, string password)
    {
        var response = await users.RequestTokenAsync(email, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Signing in as {email} failed: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The admin's password in this topology, for a test that signs in as a person would.</summary>
    public string AdminPassword => _givenSecrets[0];

    private async Task<string> ClientCredentialsTokenAsync(string secret)
    {
        var response = await _anonymous.Users.RequestServiceTokenAsync(secret, ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The orders client could not get a token: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
