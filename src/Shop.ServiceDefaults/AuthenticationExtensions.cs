using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Shop.Contracts;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>The HttpClient that fetches the issuer's discovery document and keys.</summary>
    public const string IssuerMetadataClient = "identity-metadata";

    /// <summary>
    /// Accepts the bearer tokens that the shop's issuer issues for <paramref name="audience"/>, naming its public address
    /// (<see cref="IssuerAddress"/>): their signature is checked with the public keys the issuer publishes (OIDC
    /// discovery and JWKS), fetched inside the network through service discovery (<see cref="IssuerDocumentRetriever"/>),
    /// whatever public address the discovery document names. No secret is shared between services. A token's lifetime
    /// is checked with <c>Identity:ClockSkew</c> of leeway (<see cref="TokenValidationOptions"/>). A token found valid is
    /// remembered for at most the key refresh interval, and only while its key is still trusted (<see cref="ValidatedTokens"/>).
    /// </summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(
        this IHostApplicationBuilder builder, string audience, Action<JwtBearerOptions>? configure = null)
    {
        var keyRefreshInterval = builder.Configuration.GetValue(ShopIdentity.KeyRefreshIntervalSetting, ShopIdentity.DefaultKeyRefreshInterval);
        var issuer = IssuerAddress.Get(builder.Configuration);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                // The keys are fetched again on schedule (IssuerKeyRefresh), which this lower bound between fetches must allow.
                options.RefreshInterval = TimeSpan.FromSeconds(1);
                // The documents are fetched from the issuer's name inside the network; tokens name its public address.
                options.Authority = ShopIdentity.Issuer;
                options.TokenValidationParameters.ValidIssuer = issuer.AbsoluteUri;
                options.Audience = audience;
                // Inside the topology the services speak http; tokens still carry their own signature.
                options.RequireHttpsMetadata = false;
                options.MapInboundClaims = false;
                // Nothing reads the bearer token back from the authentication properties; storing it cost
                // every request a dictionary and the token's entries.
                options.SaveToken = false;
                options.TokenValidationParameters.NameClaimType = ShopIdentity.SubjectClaim;
                options.TokenValidationParameters.RoleClaimType = ShopIdentity.RoleClaim;
                options.Events = new JwtBearerEvents
                {
                    // Without the issuer's keys no token can be checked: that is the issuer being away (a 503),
                    // not the caller's token being bad (a 401).
                    OnAuthenticationFailed = context =>
                    {
                        if (context.Exception is DependencyUnavailableException unavailable)
                        {
                            ExceptionDispatchInfo.Throw(unavailable);
                        }

                        return Task.CompletedTask;
                    }
                };
                configure?.Invoke(options);
            });
        builder.Services.AddValidatedOptions<TokenValidationOptions>(TokenValidationOptions.Section);
        builder.Services.AddSingleton(services => new ValidatedTokens(keyRefreshInterval, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((options, factory) => options.Backchannel ??= factory.CreateClient(IssuerMetadataClient))
            .Configure<IOptions<TokenValidationOptions>, TimeProvider>((options, validation, clock) =>
            {
                var skew = validation.Value.ClockSkew;
                options.TokenValidationParameters.ClockSkew = skew;
                // A token's lifetime is judged on the service's clock, the one a test can move, rather than the machine's.
                // It throws what IdentityModel's own check throws, so that the answer says the token expired, and when.
                options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    if (expires is not { } expiry)
                    {
                        throw new SecurityTokenNoExpirationException("The token has no expiry.");
                    }

                    if (now > expiry.ToUniversalTime() + skew)
                    {
                        throw new SecurityTokenExpiredException($"The token expired at {expiry.ToUniversalTime():O}.") { Expires = expiry };
                    }

                    if (notBefore is { } start && start.ToUniversalTime() > now + skew)
                    {
                        throw new SecurityTokenNotYetValidException($"The token is not valid before {start.ToUniversalTime():O}.") { NotBefore = start };
                    }

                    return true;
                };
            })
            .Configure<ValidatedTokens>((options, tokens) =>
            {
                for (var i = 0; i < options.TokenHandlers.Count; i++)
                {
                    options.TokenHandlers[i] = tokens.Remembering(options.TokenHandlers[i]);
                }
            })
            // After JwtBearer's own post-configuration has made the configuration manager from the authority: made again
            // as JwtBearer makes it, but reading the documents through the retriever that keeps them inside the network.
            .PostConfigure(options =>
            {
                if (options.ConfigurationManager is ConfigurationManager<OpenIdConnectConfiguration>)
                {
                    var documents = new IssuerDocumentRetriever(
                        new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata }, issuer, new Uri(ShopIdentity.Issuer));
                    options.ConfigurationManager = new IssuerConfigurationManager(
                        new ConfigurationManager<OpenIdConnectConfiguration>(options.MetadataAddress, new OpenIdConnectConfigurationRetriever(), documents)
                        {
                            RefreshInterval = options.RefreshInterval,
                            AutomaticRefreshInterval = options.AutomaticRefreshInterval
                        },
                        ShopIdentity.IssuerService);
                }
            });

        builder.Services.AddHostedService(services => new IssuerKeyRefresh(
            services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(), keyRefreshInterval, services.GetRequiredService<ILogger<IssuerKeyRefresh>>()));

        // Each endpoint names its policy; there is no fallback policy, so that an unknown route, method or
        // content type gets its own 404, 405 or 415 rather than a 401.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ShopPolicies.SignedInUser, policy => policy.RequireRole(ShopRoles.Customer, ShopRoles.Admin))
            .AddPolicy(ShopPolicies.Admin, policy => policy.RequireRole(ShopRoles.Admin));
        return builder;
    }

    /// <summary>Adds a policy met by a service token that carries <paramref name="scope"/>, or by a signed-in user when <paramref name="orSignedInUser"/>.</summary>
    public static AuthorizationBuilder AddScopePolicy(this AuthorizationBuilder authorization, string scope, bool orSignedInUser = false) =>
        authorization.AddPolicy(ShopPolicies.Scope(scope), policy => policy.RequireAssertion(context =>
            context.User.HasScope(scope) || (orSignedInUser && context.User.IsSignedInUser())));
}
