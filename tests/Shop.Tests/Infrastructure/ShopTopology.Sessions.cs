using System.Text.Json;

namespace Shop.Tests.Infrastructure;

/// <summary>The topology's sessions: who a request is sent as, and signing in.</summary>
public sealed partial class ShopTopology
{
    /// <summary>The administrator (<see cref="AppHostSettings.AdminEmail"/>), signed in.</summary>
    public ShopSession Admin { get; private set; } = null!;

    /// <summary>The orders service's own identity (client credentials), as it calls the other services.</summary>
    public ShopSession Service { get; private set; } = null!;

    /// <summary>Nobody: requests without a token.</summary>
    public ShopSession Anonymous { get; }

    /// <summary>The session of a customer registered by <see cref="ShopApi.CreateCustomerAsync"/>.</summary>
    public ShopSession Customer(int userId) => _customers[userId];

    internal void Remember(int userId, ShopSession session) => _customers[userId] = session;

    /// <summary>Clients of the three services that carry <paramref name="accessToken"/>.</summary>
    public ShopSession SessionWith(string? accessToken) => new(name => _app.CreateHttpClient(name), accessToken);

    /// <summary>Signs in with the password grant; the response is the caller's to check.</summary>
    public Task<HttpResponseMessage> RequestTokenAsync(string email, string password) => RequestTokenAsync(Anonymous.Users, email, password);

    /// <summary>Signs in with the password grant at <paramref name="users"/>, e.g. one replica; the response is the caller's to check.</summary>
    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient users, string email, string password) =>
        users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password
        }), TestContext.Current.CancellationToken);

    public Task<string> SignInAsync(string email, string password) => SignInAsync(Anonymous.Users, email, password);

    /// <summary>Signs in at <paramref name="users"/> and answers the access token.</summary>
    public static async Task<string> SignInAsync(HttpClient users, string email, string password)
    {
        var response = await RequestTokenAsync(users, email, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Signing in as {email} failed: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The admin's password in this topology, for a test that signs in as a person would.</summary>
    public string AdminPassword => _givenSecrets[0];

    private async Task<string> ClientCredentialsTokenAsync(string secret)
    {
        var response = await Anonymous.Users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ShopServices.Orders,
            ["client_secret"] = secret,
            ["scope"] = string.Join(' ', ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead)
        }), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The orders client could not get a token: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
