namespace Shop.AppHost.Postgres;

/// <summary>A PostgreSQL server run as a local process on the shop's own cluster (<see cref="LocalPostgresCluster"/>).</summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, command, workingDirectory, password)
{
    // As Aspire's PostgresServerResource.
    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={PasswordParameter}");
}
