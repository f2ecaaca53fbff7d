using System.Net;
using System.Text.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class SignInTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    [Fact]
    public async Task AWrongPasswordGetsNoToken()
    {
        var password = "the right password";
        var user = await Shop.CreateUserAsync(password: password);

        var response = await Shop.RequestTokenAsync(user.Email, "the wrong password");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    /// <summary>The token endpoint answers as OAuth 2.0 (RFC 6749, section 5.2) says, since OAuth clients read that format, not problems.</summary>
    [Theory]
    [InlineData("grant_type=password&username=alice@example.com", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("grant_type=authorization_code&code=abc", "application/x-www-form-urlencoded", "unsupported_grant_type")]
    [InlineData("grant_type=password&grant_type=client_credentials&username=a&password=b", "application/x-www-form-urlencoded", "invalid_request")]
    [InlineData("""{"grant_type":"password","username":"alice@example.com","password":"x"}""", "application/json", "invalid_request")]
    [InlineData("grant_type=client_credentials&client_id=orders&client_secret=wrong&scope=reservations", "application/x-www-form-urlencoded", "invalid_client")]
    [InlineData("grant_type=client_credentials&client_id=nobody&client_secret=x", "application/x-www-form-urlencoded", "invalid_client")]
    [InlineData("", "application/x-www-form-urlencoded", "invalid_request")]
    public async Task TokenEndpointErrorsKeepTheOAuthFormat(string body, string contentType, string error)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await Shop.Anonymous.Users.PostAsync("/connect/token", content, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"Got {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(error, answer.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("error_description").GetString()));
        Assert.False(answer.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task GuessingPasswordsForOneAccountHitsA429WithRetryAfter()
    {
        var user = await Shop.CreateUserAsync(password: "a password nobody guesses");

        var attempts = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 15; attempt++)
        {
            attempts.Add(await Shop.RequestTokenAsync(user.Email, $"guess {attempt}"));
        }

        var refused = attempts.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        await refused[0].ReadProblemAsync(HttpStatusCode.TooManyRequests);
        // Once limited, even the right password waits: the limit is on the account, not on failures.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Shop.RequestTokenAsync(user.Email, "a password nobody guesses")).StatusCode);
    }

    [Fact]
    public async Task PasswordsAndTokensNeverAppearInTheLogs()
    {
        var password = $"secret-{Guid.NewGuid():N}";
        var user = await Shop.CreateUserAsync("Mona", password: password);
        var token = Shop.SessionOf(user.Id).AccessToken!;
        var product = await Shop.CreateProductAsync(stock: 3);
        await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await Shop.RequestTokenAsync(user.Email, password + "-wrong");

        // Logs reach the collector asynchronously.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var logs = Shop.ServiceLogText;

        Assert.Contains("Held stock", logs);
        Assert.DoesNotContain(password, logs);
        Assert.DoesNotContain(token, logs);
        Assert.DoesNotContain(token.Split('.')[2], logs);
        Assert.DoesNotContain(Shop.Admin.AccessToken!.Split('.')[2], logs);
    }
}
