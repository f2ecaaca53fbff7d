using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.Contracts;
using Shop.ServiceDefaults;

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
        builder.Services.AddOptions<ServiceIdentityOptions>()
            .Configure(options =>
            {
                options.ClientId = clientId;
                options.Scopes = scopes;
                options.ClientSecret = builder.Configuration["Identity:ClientSecret"];
            })
            .Validate(options => !string.IsNullOrEmpty(options.ClientSecret), "Identity:ClientSecret is not configured.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
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

public sealed class ServiceIdentityOptions
{
    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
    public IReadOnlyList<string> Scopes { get; set; } = [];
}

/// <summary>Gets this service's own token from the issuer (client credentials) and keeps it until shortly before it expires.</summary>
public sealed class ServiceTokenSource(IHttpClientFactory factory, IOptions<ServiceIdentityOptions> options, TimeProvider clock) : IDisposable
{
    public const string HttpClientName = "identity";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && clock.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } refreshed && clock.GetUtcNow() < refreshed.RenewAt)
            {
                return refreshed.Token;
            }

            var identity = options.Value;
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = identity.ClientId,
                ["client_secret"] = identity.ClientSecret!,
                ["scope"] = string.Join(' ', identity.Scopes)
            });
            using var response = await factory.CreateClient(HttpClientName).SendToServiceAsync(
                new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath) { Content = content }, ShopIdentity.IssuerService, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidDataException("The token endpoint answered an empty body.");

            // Renew at two thirds of the lifetime, so that a token never expires on the way.
            _current = (token.AccessToken, clock.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn * 2 / 3));
            return token.AccessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Puts this service's token on each outgoing request.</summary>
public sealed class ServiceTokenHandler(ServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
