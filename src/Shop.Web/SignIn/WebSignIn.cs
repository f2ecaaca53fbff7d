using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.Web.SignIn;

/// <summary>
/// People sign in at the users service, the shop's issuer, with OpenID Connect's authorization code flow and PKCE, the
/// web app being a confidential client (<c>web</c>) that keeps the tokens on the server (<see cref="DatabaseTicketStore"/>):
/// the browser holds only an HttpOnly session cookie. The access token is renewed with the refresh token before it
/// expires (<see cref="TokenRefresh"/>); when that is refused, the person signs in again and comes back where they were.
/// </summary>
public static class WebSignIn
{
    public const string CookieName = "shop.web.session";

    /// <summary>How long a sign-in at the web app lasts: as long as one at the issuer.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>Where the issuer sends the person back with the code, and after signing out.</summary>
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>The HttpClient that talks to the issuer inside the network: discovery, keys, codes and refresh tokens.</summary>
    public const string IssuerClient = "issuer";

    /// <summary>Set on a challenge to send the person to the issuer's registration page rather than its sign-in page.</summary>
    public const string RegisterItem = "register";

    public static IHostApplicationBuilder AddWebSignIn(this IHostApplicationBuilder builder)
    {
        var issuer = IssuerAddress.Get(builder.Configuration);
        builder.Services.AddHttpClient(IssuerClient);
        builder.Services.AddSingleton<DatabaseTicketStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, TicketStoreSetup>();
        builder.Services.AddSingleton<TokenRefresh>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<PersonTokenHandler>();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = SessionLifetime;
                options.SlidingExpiration = false;
                options.AccessDeniedPath = "/access-denied";
                options.Events.OnValidatePrincipal = context =>
                    context.HttpContext.RequestServices.GetRequiredService<TokenRefresh>().ValidateAsync(context);
            })
            .AddOpenIdConnect(options =>
            {
                // The documents are read from the issuer's name inside the network; tokens and the browser use its public address.
                options.Authority = ShopIdentity.Issuer;
                options.RequireHttpsMetadata = false;
                options.TokenValidationParameters.ValidIssuer = issuer.AbsoluteUri;
                options.ClientId = ShopServices.Web;
                options.ResponseType = OpenIdConnectResponseType.Code;
                // The code comes back in the address of a top-level GET, which a SameSite=Lax cookie accompanies.
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.UsePkce = true;
                options.Scope.Clear();
                foreach (var scope in ShopScopes.PersonDescriptions.Keys)
                {
                    options.Scope.Add(scope);
                }

                options.SaveTokens = true;
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = false;
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = ShopIdentity.RoleClaim;
                options.CallbackPath = CallbackPath;
                options.SignedOutCallbackPath = SignedOutCallbackPath;
                options.SignedOutRedirectUri = "/";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Events.OnRedirectToIdentityProvider = context =>
                {
                    if (context.Properties.Items.ContainsKey(RegisterItem))
                    {
                        // OpenID Connect's prompt=create: the issuer shows its registration page.
                        context.ProtocolMessage.Prompt = "create";
                    }

                    return Task.CompletedTask;
                };
                options.Events.OnTokenValidated = context =>
                {
                    // The person's role is in the access token, which the issuer made for the services; the ID token says who they are.
                    if (context.TokenEndpointResponse?.AccessToken is { } accessToken && context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        AddRoles(identity, accessToken);
                    }

                    return Task.CompletedTask;
                };
                options.Events.OnTicketReceived = async context =>
                {
                    // What the visitor put in the basket before signing in stays in their basket.
                    if (BasketCookie.Read(context.HttpContext) is { } basketId && context.Principal?.UserId() is { } userId)
                    {
                        await context.HttpContext.RequestServices.GetRequiredService<BasketStore>()
                            .MergeAsync(basketId, userId, context.HttpContext.RequestAborted);
                        BasketCookie.Delete(context.HttpContext);
                    }
                };
                options.Events.OnRemoteFailure = context =>
                {
                    // The person cancelled, or the round trip failed (an old tab, a lost cookie): start again from the shop, not from an error page.
                    context.HandleResponse();
                    context.Response.Redirect("/signin-failed");
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IOptions<ServiceIdentityOptions>>((options, factory, identity) =>
            {
                options.Backchannel = factory.CreateClient(IssuerClient);
                options.ConfigurationManager = IssuerConfiguration.Create(options.Backchannel, issuer);
                options.ClientSecret = identity.Value.ClientSecret;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ShopPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin));
        return builder;
    }

    /// <summary>Replaces the person's roles with those of <paramref name="accessToken"/>, which came straight from the issuer.</summary>
    internal static void AddRoles(ClaimsIdentity identity, string accessToken)
    {
        foreach (var role in identity.FindAll(ShopIdentity.RoleClaim).ToList())
        {
            identity.RemoveClaim(role);
        }

        var token = new JsonWebToken(accessToken);
        identity.AddClaims(token.Claims.Where(c => c.Type == ShopIdentity.RoleClaim).Select(c => new Claim(ShopIdentity.RoleClaim, c.Value)));
    }
}
