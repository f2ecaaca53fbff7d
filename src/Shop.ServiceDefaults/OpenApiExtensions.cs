using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Shop.Contracts;
using Shop.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

public static class OpenApiExtensions
{
    /// <summary>The name of the security scheme in every document, and the one the API reference (Scalar) signs in with.</summary>
    public const string SecuritySchemeName = "oauth2";

    /// <summary>Whether the service serves its OpenAPI document (<c>/openapi/v1.json</c>); by default in Development only.</summary>
    public const string EnabledSetting = "OpenApi:Enabled";

    /// <summary>
    /// OpenAPI documents that say how to sign in: OAuth 2.0 at the issuer, with the authorization code flow for people
    /// and client credentials for services, and on each operation whether it needs a token.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultOpenApi(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = SecurityScheme(Issuer(configuration, document));
                return Task.CompletedTask;
            })
            .AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] });
                    operation.Responses ??= [];
                    operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or a token that is expired, tampered with or for another service." });
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the role or scope this operation needs." });
                }

                return Task.CompletedTask;
            }));
        return builder;
    }

    private static OpenApiSecurityScheme SecurityScheme(Uri issuer)
    {
        var tokenUrl = IssuerEndpoint(issuer, ShopIdentity.TokenPath);
        return new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "A bearer token from the shop's issuer. People sign in at its sign-in page with the authorization code flow "
                + "and PKCE (S256), and never type their password into a client; services sign in with their client id and secret "
                + "(client credentials).",
            Flows = new OpenApiOAuthFlows
            {
                AuthorizationCode = new OpenApiOAuthFlow
                {
                    AuthorizationUrl = IssuerEndpoint(issuer, ShopIdentity.AuthorizationPath),
                    TokenUrl = tokenUrl,
                    RefreshUrl = tokenUrl,
                    Scopes = new Dictionary<string, string>(ShopScopes.PersonDescriptions)
                },
                ClientCredentials = new OpenApiOAuthFlow
                {
                    TokenUrl = tokenUrl,
                    Scopes = new Dictionary<string, string>(ShopScopes.Descriptions)
                }
            }
        };
    }

    /// <summary>
    /// The issuer as a browser reaches it: its public address (<see cref="ShopIdentity.IssuerSetting"/>) when set;
    /// otherwise its address from service discovery or, in the issuer itself, the address this document is served from.
    /// </summary>
    private static Uri Issuer(IConfiguration configuration, OpenApiDocument document)
    {
        if (!string.IsNullOrWhiteSpace(configuration[ShopIdentity.IssuerSetting]))
        {
            return IssuerAddress.Get(configuration);
        }

        return new Uri(configuration[$"services:{ShopIdentity.IssuerService}:http:0"] ?? document.Servers?.FirstOrDefault()?.Url ?? ShopIdentity.Issuer);
    }

    /// <summary>An endpoint under the issuer's address, which may have a path of its own (<c>https://shop.example/identity/</c>).</summary>
    private static Uri IssuerEndpoint(Uri issuer, string path) =>
        new(new Uri(issuer.AbsoluteUri.EndsWith('/') ? issuer.AbsoluteUri : issuer.AbsoluteUri + "/"), path.TrimStart('/'));
}
