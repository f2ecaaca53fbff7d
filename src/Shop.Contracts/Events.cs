namespace Shop.Contracts;

/// <summary>
/// An integration event: a fact one service tells the others after it committed it. <see cref="Type"/> names it on the
/// wire (and is its routing key at the broker); <see cref="Version"/> changes when its shape does.
/// </summary>
public interface IIntegrationEvent
{
    static abstract string Type { get; }

    static abstract int Version { get; }
}

/// <summary>An order's stock is reserved for good and the order is Confirmed.</summary>
public sealed record OrderConfirmed(int OrderId, int UserId, decimal Total, string Currency, DateTimeOffset CreatedAt) : IIntegrationEvent
{
    public static string Type => "order.confirmed";

    public static int Version => 1;
}

/// <summary>An order is Cancelled; the products service gives its stock back when it handles this.</summary>
public sealed record OrderCancelled(int OrderId, int UserId, decimal Total, string Currency) : IIntegrationEvent
{
    public static string Type => "order.cancelled";

    public static int Version => 1;
}

/// <summary>A user is deleted; the other services erase what they keep of them.</summary>
public sealed record UserDeleted(int UserId) : IIntegrationEvent
{
    public static string Type => "user.deleted";

    public static int Version => 1;
}

/// <summary>How the services send each other integration events: the settings the AppHost gives them.</summary>
public static class EventTransports
{
    /// <summary>The transport a service uses: <see cref="RabbitMq"/> or <see cref="Http"/>.</summary>
    public const string Setting = "Events:Transport";

    /// <summary>A RabbitMQ broker, reached with the connection string <see cref="ShopResources.Events"/>.</summary>
    public const string RabbitMq = "rabbitmq";

    /// <summary>
    /// Without a broker: the publisher's relay posts each event, signed with the secret <see cref="HttpSecretSetting"/>,
    /// to every service in <see cref="HttpSubscribersSetting"/>.
    /// </summary>
    public const string Http = "http";

    /// <summary>The shared secret that signs the deliveries of the <see cref="Http"/> transport.</summary>
    public const string HttpSecretSetting = "Events:Http:Secret";

    /// <summary>The services a publisher delivers to on the <see cref="Http"/> transport (a list of service names).</summary>
    public const string HttpSubscribersSetting = "Events:Http:Subscribers";
}
