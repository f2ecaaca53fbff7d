using RabbitMQ.Client;

namespace Shop.Events.Transport.RabbitMq;

/// <summary>
/// The broker as this service uses it: how to connect (from the connection string <c>ConnectionStrings:events</c>), and
/// the topology every service agrees on: one durable topic exchange <see cref="Exchange"/>, routed by event type, and one
/// durable queue per consuming service.
/// </summary>
/// <remarks>
/// The connection is made here rather than by Aspire's <c>AddRabbitMQClient</c>: that registers one connection made when
/// the host starts (or at its first use), retried for about a minute and then failing the start, and a health check that
/// reports the service unhealthy while the broker is away. A service must start and serve without the broker, its outbox
/// keeping the events meanwhile. The library's automatic recovery is off too: it only recovers a connection that was
/// once made, so the publisher and the consumer make a new connection after losing one, by the same path as the first.
/// </remarks>
internal sealed class RabbitMqBroker
{
    public const string Exchange = "shop.events";

    private readonly ConnectionFactory factory;

    public RabbitMqBroker(string connectionString, string service)
    {
        Service = service;
        factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            // A broker that vanished without closing the socket (its host gone) is noticed within half a minute.
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ContinuationTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = service
        };
        // The address without the user and password of the connection string, for the logs.
        Address = $"{factory.HostName}:{factory.Port}";
    }

    public string Service { get; }

    /// <summary>The broker's host and port: what the logs name, never the credentials.</summary>
    public string Address { get; }

    /// <summary>The queue of <see cref="Service"/>'s events.</summary>
    public string Queue => $"{Service}.events";

    public Task<IConnection> ConnectAsync(string purpose, CancellationToken cancellationToken) =>
        factory.CreateConnectionAsync($"{Service} {purpose}", cancellationToken);

    public static Task DeclareExchangeAsync(IChannel channel, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
}
