namespace Shop.AppHost.Events;

/// <summary>A RabbitMQ node run as a local process on the shop's own node folder (<see cref="LocalBrokerNode"/>).</summary>
internal sealed class LocalBrokerResource(string name, string command, string workingDirectory, ParameterResource password)
    : LocalServerResource(name, command, workingDirectory, password)
{
    /// <summary>The port Erlang's distribution listens on, which only the node's own tools use; loopback only.</summary>
    public const string DistributionEndpointName = "dist";

    public EndpointReference DistributionEndpoint => new(this, DistributionEndpointName);

    // As Aspire's RabbitMQServerResource.
    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{LocalBrokerNode.UserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
