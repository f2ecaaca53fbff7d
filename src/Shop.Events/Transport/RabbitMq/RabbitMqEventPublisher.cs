using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Shop.Events.Transport.RabbitMq;

/// <summary>
/// Publishes each event to the exchange, persistent and mandatory, on a channel with publisher confirms: it returns once
/// the broker has stored it in every queue bound to its type, and throws when the broker refused it, routed it nowhere,
/// did not answer in time, or cannot be reached. The connection is made at the first publish and again after it is
/// lost; while the broker is away every publish fails at once, and the relay keeps the events.
/// </summary>
internal sealed partial class RabbitMqEventPublisher(RabbitMqBroker broker, ILogger<RabbitMqEventPublisher> logger) : IEventPublisher, IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    /// <summary>After a failed attempt to connect, publishes fail at once for this long rather than each trying again.</summary>
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;
    private IChannel? channel;
    private long lastFailedConnect;
    private volatile bool away;

    public async Task PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        // A wait on the network, timed on the machine's clock as the services' HttpClient timeouts are.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConfirmTimeout);
        var properties = new BasicProperties
        {
            MessageId = envelope.Id.ToString(),
            Type = envelope.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            AppId = envelope.Source,
            Timestamp = new AmqpTimestamp(envelope.OccurredAt.ToUnixTimeSeconds()),
            Headers = TraceHeaders(envelope)
        };
        try
        {
            var open = await OpenChannelAsync(timeout.Token);
            await open.BasicPublishAsync(RabbitMqBroker.Exchange, envelope.Type, mandatory: true, properties, EventEnvelopeJson.Serialize(envelope), timeout.Token);
        }
        catch (PublishReturnException returned)
        {
            throw new EventPublishException(
                $"The broker routed event {envelope.Id} ({envelope.Type}) to no queue ({returned.ReplyText}): no service has bound a queue to this type yet.", returned);
        }
        catch (PublishException nacked)
        {
            throw new EventPublishException($"The broker refused event {envelope.Id} ({envelope.Type}).", nacked);
        }
        catch (OperationCanceledException cancelled) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EventPublishException($"The broker at {broker.Address} did not take event {envelope.Id} ({envelope.Type}) within {ConfirmTimeout.TotalSeconds:0} s.", cancelled);
        }
        catch (Exception lost) when (lost is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            throw new EventPublishException($"The connection to the broker at {broker.Address} was lost while publishing event {envelope.Id} ({envelope.Type}).", lost);
        }
    }

    /// <summary>W3C trace context in the headers too, where the broker's own tools and other consumers look for it.</summary>
    private static Dictionary<string, object?>? TraceHeaders(EventEnvelope envelope)
    {
        if (envelope.TraceParent is null)
        {
            return null;
        }

        var headers = new Dictionary<string, object?> { ["traceparent"] = envelope.TraceParent };
        if (envelope.TraceState is not null)
        {
            headers["tracestate"] = envelope.TraceState;
        }

        return headers;
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true } current)
        {
            return current;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (channel is { IsOpen: true } opened)
            {
                return opened;
            }

            await CloseAsync();
            if (lastFailedConnect != 0 && Stopwatch.GetElapsedTime(lastFailedConnect) < ReconnectPause)
            {
                throw new EventPublishException($"The broker at {broker.Address} cannot be reached.");
            }

            try
            {
                connection = await broker.ConnectAsync("publisher", cancellationToken);
                connection.ConnectionShutdownAsync += OnShutdownAsync;
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
                await RabbitMqBroker.DeclareExchangeAsync(channel, cancellationToken);
            }
            catch (Exception exception)
            {
                lastFailedConnect = Stopwatch.GetTimestamp();
                await CloseAsync();
                if (exception is OperationCanceledException)
                {
                    throw;
                }

                if (!away)
                {
                    away = true;
                    LogUnreachable(logger, broker.Address, exception.GetBaseException().Message);
                }

                throw new EventPublishException($"The broker at {broker.Address} cannot be reached.", exception);
            }

            lastFailedConnect = 0;
            if (away)
            {
                away = false;
                LogConnectedAgain(logger, broker.Address);
            }
            else
            {
                LogConnected(logger, broker.Address);
            }

            return channel;
        }
        finally
        {
            gate.Release();
        }
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs args)
    {
        if (args.Initiator != ShutdownInitiator.Application)
        {
            away = true;
            LogLost(logger, broker.Address, args.ReplyText);
        }

        return Task.CompletedTask;
    }

    private async Task CloseAsync()
    {
        if (channel is not null)
        {
            await channel.DisposeAsync();
            channel = null;
        }

        if (connection is not null)
        {
            connection.ConnectionShutdownAsync -= OnShutdownAsync;
            await connection.DisposeAsync();
            connection = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync();
        try
        {
            await CloseAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing events to the broker at {Broker}")]
    private static partial void LogConnected(ILogger logger, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing events to the broker at {Broker} again")]
    private static partial void LogConnectedAgain(ILogger logger, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the broker at {Broker} ({Reason}); events wait in the outbox until it is back")]
    private static partial void LogLost(ILogger logger, string broker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker at {Broker} cannot be reached ({Reason}); events wait in the outbox until it is back")]
    private static partial void LogUnreachable(ILogger logger, string broker, string reason);
}
