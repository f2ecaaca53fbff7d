namespace Shop.AppHost.Cache;

/// <summary>A Redis-compatible server run as a local process: redis-server or Garnet.</summary>
internal sealed class LocalCacheResource(string name, string command, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, command, workingDirectory, password)
{
    // As Aspire's RedisResource.
    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
