using System.Net.Http.Headers;

namespace Shop.Tests.Infrastructure;

/// <summary>Clients of the three services that carry one access token, or none.</summary>
public sealed class ShopSession(Func<string, HttpClient> createClient, string? accessToken) : IDisposable
{
    public HttpClient Users { get; } = Authorized(createClient(ShopServices.Users), accessToken);
    public HttpClient Products { get; } = Authorized(createClient(ShopServices.Products), accessToken);
    public HttpClient Orders { get; } = Authorized(createClient(ShopServices.Orders), accessToken);

    public string? AccessToken { get; } = accessToken;

    public void Dispose()
    {
        Users.Dispose();
        Products.Dispose();
        Orders.Dispose();
    }

    private static HttpClient Authorized(HttpClient client, string? accessToken)
    {
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }
}
