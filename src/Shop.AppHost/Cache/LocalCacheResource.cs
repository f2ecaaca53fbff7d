namespace Shop.AppHost.Cache;

/// <summary>A Redis-compatible server run as a local process: redis-server or Garnet.</summary>
internal sealed class LocalCacheResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    // The same shape as Aspire's RedisResource, so that a client cannot tell the hosts apart.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
