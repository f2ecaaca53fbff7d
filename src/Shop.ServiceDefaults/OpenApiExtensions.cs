using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Shop.Contracts;

namespace Microsoft.Extensions.Hosting;

public static class OpenApiExtensions
{
    /// <summary>The name of the security scheme in every document, and the one the API reference (Scalar) signs in with.</summary>
    public const string SecuritySchemeName = "oauth2";

    /// <summary>Whether the service serves its OpenAPI document (<c>/openapi/v1.json</c>); by default in Development only.</summary>
    public const string EnabledSetting = "OpenApi:Enabled";

    /// <summary>
    /// OpenAPI documents that say how to sign in: OAuth 2.0 at the identity provider's token endpoint, with the
    /// password flow for people and client credentials for services, and on each operation whether it needs a token.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultOpenApi(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = SecurityScheme(TokenUrl(configuration, document));
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

    private static OpenApiSecurityScheme SecurityScheme(Uri tokenUrl) => new()
    {
        Type = SecuritySchemeType.OAuth2,
        Description = "A bearer token from the shop's token endpoint. People sign in with their email and password (password flow); "
            + "services with their client id and secret (client credentials).",
        Flows = new OpenApiOAuthFlows
        {
            Password = new OpenApiOAuthFlow { TokenUrl = tokenUrl, Scopes = new Dictionary<string, string>() },
            ClientCredentials = new OpenApiOAuthFlow
            {
                TokenUrl = tokenUrl,
                Scopes = new Dictionary<string, string>(ShopScopes.Descriptions)
            }
        }
    };

    /// <summary>
    /// The token endpoint as a browser reaches it: at the issuer's address from service discovery, or, in the
    /// issuer itself, at the address this document is served from.
    /// </summary>
    private static Uri TokenUrl(IConfiguration configuration, OpenApiDocument document)
    {
        var address = configuration[$"services:{ShopIdentity.IssuerService}:http:0"] ?? document.Servers?.FirstOrDefault()?.Url ?? ShopIdentity.Issuer;
        return new Uri(new Uri(address), ShopIdentity.TokenPath);
    }
}
