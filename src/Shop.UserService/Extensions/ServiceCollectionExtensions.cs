using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Shop.ServiceDefaults.Security;
using Shop.UserService.Pages;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Shop.ServiceDefaults.Http;

namespace Shop.UserService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The users database with its outbox of events, the shared cache, the user cache, and the identity provider.</summary>
    public static IHostApplicationBuilder AddUserServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddServiceDatabase<UsersDbContext, PostgresUsersDbContext>(ShopResources.UsersDatabase);
        builder.AddIntegrationEvents<UsersDbContext>(ShopServices.Users);
        builder.AddUserCache();
        builder.AddIdentityProvider();
        return builder;
    }

    /// <summary>The shared cache, the users kept in it, and the invalidations recorded until it takes them.</summary>
    private static void AddUserCache(this IHostApplicationBuilder builder)
    {
        builder.AddOptionalRedisClient(ShopResources.Cache);
        builder.Services.AddValidatedOptions<UserCacheOptions>(UserCacheOptions.Section);
        builder.Services.AddSingleton<UserCache>();
        builder.Services.AddScoped<CacheInvalidations>();
        builder.Services.AddHostedService<UserCacheRepair>();
    }

    /// <summary>
    /// OpenIddict issues signed JWT access tokens at /connect/token, to people's apps through the authorization code flow
    /// with the sign-in pages and a session at the issuer, and publishes its keys (OIDC discovery and JWKS); this service
    /// checks its own tokens locally with the same key.
    /// </summary>
    private static void AddIdentityProvider(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ShopIdentityOptions>(ShopIdentityOptions.Section);
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(services => services.GetRequiredService<SigningKeys>());
        builder.Services.AddHostedService<SigningKeyRefresh>();

        var issuer = IssuerAddress.Get(builder.Configuration);
        var passwordGrant = builder.Configuration.GetValue(ShopIdentity.PasswordGrantSetting, defaultValue: builder.Environment.IsDevelopment());
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<UsersDbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(issuer);
                options.SetAuthorizationEndpointUris(ShopIdentity.AuthorizationPath.TrimStart('/'))
                    .SetTokenEndpointUris(ShopIdentity.TokenPath.TrimStart('/'))
                    .SetEndSessionEndpointUris(ShopIdentity.EndSessionPath.TrimStart('/'));
                // People's apps: authorization code with PKCE, and refresh tokens, a new one at each use (OpenIddict's
                // default), where a used one presented again revokes every token of its authorization. Services: client
                // credentials. The password grant only where it is switched on: RFC 9700 (2.4) says it must not be used.
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();
                // No grace period in which a used refresh token still works (OpenIddict allows 30 s by default): a refresh
                // token presented twice is either stolen or held by two tabs, and either way its family ends.
                options.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                if (passwordGrant)
                {
                    options.AllowPasswordFlow();
                    // The password grant's people sign in without a client of their own, as the workshop's clients do.
                    options.AcceptAnonymousClients();
                }

                options.RegisterScopes([ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead, .. BrowserApplications.PersonScopes]);
                // OpenID Connect's prompt=create: an app's "Register" link opens the registration page rather than the sign-in page.
                options.RegisterPromptValues(PromptValues.Create);
                // Codes and refresh tokens are protected with ASP.NET Core Data Protection, whose keys every replica reads
                // from the users database; access and ID tokens stay signed JWTs that every service can read. Access tokens
                // are signed, not encrypted; OpenIddict still wants an encryption key for the formats it does not use here:
                // a random symmetric one, made at once, where an ephemeral RSA key would be generated by the first request.
                options.UseDataProtection().PreferDefaultAccessTokenFormat();
                options.AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
                options.DisableAccessTokenEncryption();
                options.AddEventHandler(SignWithCurrentKey.Descriptor);
                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableErrorPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        // PKCE with S256 only: "plain" sends the verifier itself, readable by whoever sees the authorization request.
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<ShopIdentityOptions>>((options, identity) =>
            options.RefreshTokenLifetime = identity.Value.RefreshTokenLifetime);
        builder.Services.AddDataProtection().SetApplicationName(ShopServices.Users).PersistKeysToDbContext<UsersDbContext>();
        builder.AddBrowserSessions();
        builder.Services.AddRazorPages(options => options.Conventions.ConfigureFilter(new AntiforgeryRefusal()));
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<ShopIdentityOptions>>((options, identity) =>
            options.AccessTokenLifetime = identity.Value.AccessTokenLifetime);

        // OpenIddict publishes every key of its options' signing credentials; the options are built again whenever the
        // set changes (SigningKeys is their change token source), after start has read it (SigningKeys.LoadAsync).
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<SigningKeys>((options, keys) =>
            options.SigningCredentials.AddRange(keys.Published.Select(key => new SigningCredentials(key, SecurityAlgorithms.RsaSha256))));
        builder.AddDefaultAuthentication(ShopServices.Users, options =>
        {
            options.Authority = null;
            options.TokenValidationParameters.ValidIssuer = issuer.AbsoluteUri;
        });
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((options, keys) =>
            options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Published);
        builder.Services.AddAuthorizationBuilder().AddScopePolicy(ShopScopes.UsersRead, orSignedInUser: true);
        builder.AddDefaultRateLimiting();
        builder.Services.AddSingleton<AddressLimits>();
        // In Development the API reference (Scalar) of every service signs in here, from a page on another local port.
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddCors(options => options.AddPolicy(TokenApi.ApiReferencePolicy, policy => policy
            .SetIsOriginAllowed(origin => isDevelopment && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback)
            .WithMethods(HttpMethods.Post)
            .AllowAnyHeader()));
        builder.Services.AddValidatedOptions<SignInLimitOptions>(SignInLimitOptions.Section);
        builder.Services.AddScoped<AccountSignInLimit>();
        builder.Services.AddSingleton<UserMetrics>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddSingleton<PasswordCheck>();
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddScoped<Registration>();
        builder.Services.AddHostedService<TokenPruning>();
    }

    /// <summary>The session cookie, and the sessions behind it (<see cref="BrowserSession"/>).</summary>
    private static void AddBrowserSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<BrowserSession>();
        builder.Services.AddAuthentication().AddCookie(BrowserSession.Scheme, options =>
        {
            options.Cookie.Name = BrowserSession.CookieName;
            options.Cookie.HttpOnly = true;
            // Lax: sent when another app's page sends the browser here to sign in, never with another site's form posts.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The session's end is fixed when it opens, as its row's is.
            options.SlidingExpiration = false;
            options.LoginPath = BrowserSession.SignInPath;
            options.Events.OnValidatePrincipal = BrowserSession.ValidateAsync;
            // The sign-in page, always: ASP.NET Core answers 401 instead to a request it takes for an API call (one to a
            // minimal API endpoint, such as /connect/authorize, that does not accept HTML), which would strand a browser.
            // An app that asked for registration (prompt=create) gets the registration page, which returns to the same place.
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.Redirect(context.Properties.Items.ContainsKey(BrowserSession.RegisterItem)
                    ? context.Request.PathBase + BrowserSession.RegisterPath
                        + QueryString.Create(context.Options.ReturnUrlParameter, context.Properties.RedirectUri ?? "/")
                    : context.RedirectUri);
                return Task.CompletedTask;
            };
        });
    }
}
