namespace Shop.AppHost;

/// <summary>A server the AppHost runs as a local process, reached on one TCP endpoint with a password.</summary>
internal abstract class LocalServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>The connection string in the shape of Aspire's own resource for the same server, so that a client cannot tell the hosts apart.</summary>
    public abstract ReferenceExpression ConnectionStringExpression { get; }
}
