using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
        builder.AddSqliteDbContext<UsersDbContext>(ShopResources.UsersDatabase, options => options.UseOpenIddict());
        builder.AddOptionalRedisClient(ShopResources.Cache);
        builder.Services.Configure<UserCacheOptions>(builder.Configuration.GetSection("UserCache"));
        builder.Services.AddSingleton<UserCache>();
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
        var signingKey = SigningKey.LoadOrCreate(identity.SigningKeyPath ?? DefaultSigningKeyPath(builder.Configuration));

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
                options.AddSigningKey(signingKey);
                // Only access tokens are issued, and they are signed, not encrypted, so that every service can read them.
                options.AddEphemeralEncryptionKey();
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        builder.AddDefaultAuthentication(ShopServices.Users, options =>
        {
            options.Authority = null;
            options.TokenValidationParameters.ValidIssuer = ShopIdentity.Issuer;
            options.TokenValidationParameters.IssuerSigningKey = signingKey;
        });
        builder.Services.AddAuthorizationBuilder().AddScopePolicy(ShopScopes.UsersRead, orSignedInUser: true);
        builder.AddDefaultRateLimiting(options => options.AddPolicy<string, SignInAddressPolicy>(TokenApi.AddressPolicy));
        // In Development the API reference (Scalar) of every service signs in here, from a page on another local port.
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddCors(options => options.AddPolicy(TokenApi.ApiReferencePolicy, policy => policy
            .SetIsOriginAllowed(origin => isDevelopment && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback)
            .WithMethods(HttpMethods.Post)
            .AllowAnyHeader()));
        builder.Services.AddOptions<SignInLimitOptions>().BindConfiguration(SignInLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AccountRateLimiter>();
        builder.Services.AddSingleton<UserMetrics>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
    }

    private static string DefaultSigningKeyPath(IConfiguration configuration)
    {
        var database = new SqliteConnectionStringBuilder(configuration.GetConnectionString(ShopResources.UsersDatabase)).DataSource;
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database))!, "users-signing-key.pem");
    }
}
