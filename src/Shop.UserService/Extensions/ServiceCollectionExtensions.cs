using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Shop.Contracts;
using Shop.ServiceDefaults;
using Shop.UserService.Apis;
using Shop.UserService.Caching;
using Shop.UserService.Data;
using Shop.UserService.Identity;
using Shop.UserService.Model;
using IdentityOptions = Shop.UserService.Identity.IdentityOptions;

namespace Shop.UserService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The users database, the shared cache, the user cache, and the identity provider.</summary>
    public static IHostApplicationBuilder AddUserServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddServiceDatabase<UsersDbContext, PostgresUsersDbContext>(ShopResources.UsersDatabase);
        builder.AddOptionalRedisClient(ShopResources.Cache);
        builder.Services.Configure<UserCacheOptions>(builder.Configuration.GetSection("UserCache"));
        builder.Services.AddSingleton<UserCache>();
        builder.Services.AddScoped<CacheInvalidations>();
        builder.Services.AddHostedService<UserCacheRepair>();
        builder.AddIdentityProvider();
        return builder;
    }

    /// <summary>
    /// OpenIddict issues signed JWT access tokens at /connect/token and publishes its keys (OIDC discovery
    /// and JWKS); this service checks its own tokens locally with the same key.
    /// </summary>
    private static void AddIdentityProvider(this IHostApplicationBuilder builder)
    {
        var identity = builder.Configuration.GetSection("Identity").Get<IdentityOptions>() ?? new IdentityOptions();
        builder.Services.Configure<IdentityOptions>(builder.Configuration.GetSection("Identity"));
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(services => services.GetRequiredService<SigningKeys>());
        builder.Services.AddHostedService<SigningKeyRefresh>();

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<UsersDbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(new Uri(ShopIdentity.Issuer));
                options.SetTokenEndpointUris(ShopIdentity.TokenPath.TrimStart('/'));
                options.AllowPasswordFlow().AllowClientCredentialsFlow();
                // People sign in without a client of their own, as the workshop's clients do.
                options.AcceptAnonymousClients();
                options.RegisterScopes(ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead);
                options.SetAccessTokenLifetime(identity.AccessTokenLifetime);
                // Only access tokens are issued, and they are signed, not encrypted, so that every service can read them.
                options.AddEphemeralEncryptionKey();
                options.DisableAccessTokenEncryption();
                options.AddEventHandler(SignWithCurrentKey.Descriptor);
                options.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        // OpenIddict publishes every key of its options' signing credentials; the options are built again whenever the
        // set changes (SigningKeys is their change token source), after start has read it (SigningKeys.LoadAsync).
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<SigningKeys>((options, keys) =>
            options.SigningCredentials.AddRange(keys.Published.Select(key => new SigningCredentials(key, SecurityAlgorithms.RsaSha256))));
        builder.AddDefaultAuthentication(ShopServices.Users, options =>
        {
            options.Authority = null;
            options.TokenValidationParameters.ValidIssuer = ShopIdentity.Issuer;
        });
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((options, keys) =>
            options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Published);
        builder.Services.AddAuthorizationBuilder().AddScopePolicy(ShopScopes.UsersRead, orSignedInUser: true);
        builder.AddDefaultRateLimiting(options => options.AddPolicy<string, SignInAddressPolicy>(TokenApi.AddressPolicy));
        // In Development the API reference (Scalar) of every service signs in here, from a page on another local port.
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddCors(options => options.AddPolicy(TokenApi.ApiReferencePolicy, policy => policy
            .SetIsOriginAllowed(origin => isDevelopment && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback)
            .WithMethods(HttpMethods.Post)
            .AllowAnyHeader()));
        builder.Services.AddOptions<SignInLimitOptions>().BindConfiguration(SignInLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<AccountSignInLimit>();
        builder.Services.AddSingleton<UserMetrics>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
    }
}
