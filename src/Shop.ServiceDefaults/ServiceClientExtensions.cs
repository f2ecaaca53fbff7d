using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

public static class ServiceClientExtensions
{
    /// <summary>
    /// Gives this service an identity of its own at the token issuer (OAuth client credentials): client
    /// <paramref name="clientId"/>, its secret from <c>Identity:ClientSecret</c>, and <paramref name="scopes"/>. Its
    /// calls to other services then carry its own token, never a customer's.
    /// </summary>
    public static IHostApplicationBuilder AddServiceIdentity(this IHostApplicationBuilder builder, string clientId, params string[] scopes)
    {
        builder.Services.AddValidatedOptions<ServiceIdentityOptions>(ServiceIdentityOptions.Section)
            .Configure(options =>
            {
                options.ClientId = clientId;
                options.Scopes = scopes;
            });
        builder.Services.AddSingleton<ServiceTokenSource>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        builder.Services.AddHttpClient(ServiceTokenSource.HttpClientName, client => client.BaseAddress = new($"https+http://{ShopIdentity.IssuerService}"));
        return builder;
    }

    /// <summary>A typed client of another service, found by service discovery, whose calls carry this service's own token.</summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IHostApplicationBuilder builder, string service) where TClient : class =>
        builder.Services.AddHttpClient<TClient>(client => client.BaseAddress = new($"https+http://{service}"))
            .AddHttpMessageHandler<ServiceTokenHandler>();
}
