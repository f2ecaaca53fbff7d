namespace Shop.AppHost;

internal static class IdentityBuilderExtensions
{
    private static readonly string IssuerVariable = Variable(ShopIdentity.IssuerSetting);

    /// <summary>
    /// Gives every service the issuer's public address (<c>Identity:Issuer</c>), which every token names and where a
    /// browser signs in. Run here, it is the users service's own address (its orchestrator's proxy, with replicas), unless
    /// the AppHost's <c>Identity:Issuer</c> names another, such as a front door's, which reaches the services with the
    /// rest of the <c>Identity</c> section. Published, it is the parameter <see cref="ShopResources.IdentityIssuer"/>,
    /// which has no default: only the operator knows the public https host, and a deployment without it would name an
    /// issuer no browser can reach.
    /// </summary>
    public static void WithIssuerAddress(this IResourceBuilder<ProjectResource> users, params IResourceBuilder<ProjectResource>[] services)
    {
        var builder = users.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
        {
            var issuer = builder.AddParameter(ShopResources.IdentityIssuer);
            foreach (var service in services)
            {
                service.WithEnvironment(IssuerVariable, issuer);
            }

            return;
        }

        if (builder.Configuration[ShopIdentity.IssuerSetting] is not null)
        {
            return;
        }

        // A slash at the end, as OpenIddict writes the issuer into tokens and services compare it.
        var address = ReferenceExpression.Create($"{users.GetEndpoint("http")}/");
        foreach (var service in services)
        {
            service.WithEnvironment(IssuerVariable, address);
        }
    }

    /// <summary>
    /// Registers, at the users service, the client the API reference pages of <paramref name="services"/> sign in as
    /// (<see cref="ShopIdentity.ApiReferenceClient"/>), with each page as a redirect URI. Only when run here, where those
    /// pages are served (Development); a deployment registers no such client.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiReferenceClient(
        this IResourceBuilder<ProjectResource> users, params IResourceBuilder<ProjectResource>[] services)
    {
        if (!users.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return users;
        }

        for (var i = 0; i < services.Length; i++)
        {
            users.WithEnvironment(
                Variable($"Identity:Applications:{ShopIdentity.ApiReferenceClient}:RedirectUris:{i}"),
                ReferenceExpression.Create($"{services[i].GetEndpoint("http")}{ShopIdentity.ApiReferencePath}"));
        }

        return users;
    }

    /// <summary>
    /// Registers the web app at the users service as the confidential client <see cref="ShopServices.Web"/>, sent back to
    /// its own address after signing in and out. Run here, that is its endpoint; published, the operator registers the
    /// public host's addresses (the Kubernetes overlays do), since only they know it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithWebApplication(this IResourceBuilder<ProjectResource> users, IResourceBuilder<ProjectResource> web)
    {
        if (!users.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return users;
        }

        var endpoint = web.GetEndpoint("http");
        return users
            .WithEnvironment(Variable($"Identity:Applications:{ShopServices.Web}:DisplayName"), "Shop")
            .WithEnvironment(Variable($"Identity:Applications:{ShopServices.Web}:RedirectUris:0"), ReferenceExpression.Create($"{endpoint}/signin-oidc"))
            .WithEnvironment(Variable($"Identity:Applications:{ShopServices.Web}:PostLogoutRedirectUris:0"), ReferenceExpression.Create($"{endpoint}/signout-callback-oidc"));
    }

    private static string Variable(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}
