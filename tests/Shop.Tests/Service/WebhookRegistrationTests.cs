using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// An administrator registers, lists and deletes webhook endpoints: only at absolute http or https addresses whose host
/// is public, and their secret is never shown again.
/// </summary>
public sealed class WebhookRegistrationTests(WebhookRegistrationTests.Service service) : IClassFixture<WebhookRegistrationTests.Service>
{
    // 192.0.2.0/24 is TEST-NET-1: a public address as far as the policy goes, an IP literal that needs no DNS, and one
    // that nothing is ever sent to, as these tests publish no event.
    private const string PublicUrl = "https://192.0.2.10/hooks/orders";
    private const string Secret = "a secret of sixteen characters or more";

    private readonly OrdersServiceHost _orders = service.Orders;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>An orders service of this class's own, refusing private addresses whatever its environment's settings say.</summary>
    public sealed class Service : IAsyncDisposable
    {
        public OrdersServiceHost Orders { get; } = new(false, ("Webhooks:AllowPrivateAddresses", "false"));

        public ValueTask DisposeAsync() => Orders.DisposeAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/hook")]
    public async Task RegisteringALoopbackOrPrivateAddressGets400ProblemNamingUrlAndStoresNothing(string url)
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks", new { url, secret = Secret }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Url"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains("not a public address", errors.GetProperty("Url")[0].GetString());
        Assert.Equal(0L, await _orders.Database.ExecuteAsync("SELECT count(*) FROM WebhookEndpoints WHERE Url = @url", ("url", url)));
    }

    [Theory]
    [InlineData("ftp://192.0.2.10/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/hooks/orders")]
    [InlineData("https://user:password@192.0.2.10/hook")]
    public async Task RegisteringAnAddressThatIsNotAbsoluteHttpWithoutUserInfoGets400ProblemNamingUrl(string url)
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks", new { url, secret = Secret }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Url"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task AShortSecretGets400ProblemNamingSecret()
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks", new { url = PublicUrl, secret = "too short" }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Secret"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("[\"order.confirmed\", \"order.shipped\"]", "Events[1]")]
    [InlineData("[\"order.cancelled\", \"order.cancelled\"]", "Events")]
    [InlineData("[]", "Events")]
    public async Task AnUnknownRepeatedOrEmptyListOfEventsGets400ProblemNamingIt(string events, string field)
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks",
            new { url = PublicUrl, secret = Secret, events = JsonSerializer.Deserialize<string[]>(events) }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task RegisteringAPublicAddressAnswers201WithEveryEventAndNeverShowsTheSecret()
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks", new { url = PublicUrl, secret = Secret }, Cancellation);

        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Cancellation));
        var endpoint = await response.ReadAsync<WebhookEndpointDto>(HttpStatusCode.Created);
        Assert.Equal(PublicUrl, endpoint.Url);
        Assert.Equal(["order.confirmed", "order.cancelled"], endpoint.Events);
        Assert.Equal($"/webhooks/{endpoint.Id}", response.Headers.Location?.OriginalString);

        var list = await admin.GetAsync($"/webhooks?pageSize={PageRequest.MaxPageSize}", Cancellation);
        Assert.DoesNotContain(Secret, await list.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains(endpoint, (await list.ReadAsync<PageDto<WebhookEndpointDto>>(HttpStatusCode.OK)).Items);
    }

    [Fact]
    public async Task AnEndpointSubscribesToTheEventsItNames()
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/webhooks", new { url = PublicUrl, secret = Secret, events = new[] { "order.cancelled" } }, Cancellation);

        Assert.Equal(["order.cancelled"], (await response.ReadAsync<WebhookEndpointDto>(HttpStatusCode.Created)).Events);
    }

    [Fact]
    public async Task DeletingAnEndpointAnswers204ThenItAndItsDeliveriesAre404Problems()
    {
        using var admin = _orders.As(Caller.Admin());
        var endpoint = await (await admin.PostAsJsonAsync("/webhooks", new { url = PublicUrl, secret = Secret }, Cancellation))
            .ReadAsync<WebhookEndpointDto>(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/webhooks/{endpoint.Id}", Cancellation)).StatusCode);

        await (await admin.DeleteAsync($"/webhooks/{endpoint.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/webhooks/{endpoint.Id}/deliveries", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ReplayingAnUnknownDeliveryGets404Problem()
    {
        using var admin = _orders.As(Caller.Admin());

        var response = await admin.PostAsync("/webhooks/deliveries/999999/replay", null, Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("999999", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("GET", "/webhooks")]
    [InlineData("POST", "/webhooks")]
    [InlineData("DELETE", "/webhooks/1")]
    [InlineData("GET", "/webhooks/1/deliveries")]
    [InlineData("POST", "/webhooks/deliveries/1/replay")]
    public async Task OnlyAnAdminMayUseWebhooks(string method, string path)
    {
        using var customer = _orders.As(Caller.Customer(7));
        using var anonymous = _orders.As(Caller.Anonymous);

        var forbidden = await customer.SendAsync(Request(method, path), Cancellation);
        var unauthorized = await anonymous.SendAsync(Request(method, path), Cancellation);

        await forbidden.ReadProblemAsync(HttpStatusCode.Forbidden);
        await unauthorized.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { url = PublicUrl, secret = Secret }) : null
    };
}

public sealed record WebhookEndpointDto(int Id, string Url, IReadOnlyList<string> Events, DateTime CreatedAt)
{
    public bool Equals(WebhookEndpointDto? other) =>
        other is not null && (Id, Url, CreatedAt) == (other.Id, other.Url, other.CreatedAt) && Events.SequenceEqual(other.Events);

    public override int GetHashCode() => HashCode.Combine(Id, Url, CreatedAt);
}
