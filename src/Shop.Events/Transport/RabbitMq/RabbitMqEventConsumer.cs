using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.Events.Inbox;

namespace Shop.Events.Transport.RabbitMq;

/// <summary>
/// Takes this service's events from its queue into the inbox: connects, declares the exchange, the queue and its
/// bindings to the types the service handles, and consumes; after losing the connection, or failing to make it, it
/// tries again after a backoff (1 s doubling to 10 s), for as long as the service runs. A message is acknowledged only
/// once the inbox has it; one the inbox could not record (its database away) is given back to the queue, a second
/// later so that an outage is not a busy loop; one that is no envelope at all is rejected, never to be tried again.
/// </summary>
internal sealed partial class RabbitMqEventConsumer(
    RabbitMqBroker broker, IEventReceiver receiver, RabbitMqConsumerState state, ILogger<RabbitMqEventConsumer> logger) : BackgroundService
{
    /// <summary>How many unacknowledged messages the broker hands this service at once.</summary>
    public const ushort Prefetch = 16;

    // Waits on the network, timed on the machine's clock as the services' HttpClient timeouts are: a test that moves the
    // service's clock has no broker to wait for.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RedeliveryPause = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var types = receiver.HandledTypes;
        if (types.Count == 0)
        {
            LogNothingToConsume(logger);
            return;
        }

        var backoff = FirstBackoff;
        var away = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lost = await ConsumeUntilLostAsync(types, () =>
                {
                    if (away)
                    {
                        LogConsumingAgain(logger, broker.Queue, broker.Address);
                    }
                    else
                    {
                        LogConsuming(logger, broker.Queue, broker.Address, string.Join(", ", types));
                    }

                    away = false;
                    backoff = FirstBackoff;
                    state.Consuming = true;
                }, stoppingToken);
                state.Consuming = false;
                away = true;
                LogLost(logger, broker.Address, lost, FirstBackoff);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                state.Consuming = false;
                // Said once per outage as a warning; while it lasts, each attempt is a debug line.
                if (!away)
                {
                    away = true;
                    LogUnreachable(logger, broker.Address, exception.GetBaseException().Message, backoff);
                }
                else
                {
                    LogStillUnreachable(logger, broker.Address, exception.GetBaseException().Message, backoff);
                }
            }

            try
            {
                await Task.Delay(backoff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LongestBackoff.Ticks));
        }
    }

    /// <summary>Consumes until the connection or the channel is lost (returning why), or the service stops.</summary>
    private async Task<string> ConsumeUntilLostAsync(IReadOnlyCollection<string> types, Action connected, CancellationToken stoppingToken)
    {
        await using var connection = await broker.ConnectAsync("consumer", stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, args) =>
        {
            lost.TrySetResult(args.ReplyText);
            return Task.CompletedTask;
        };

        await RabbitMqBroker.DeclareExchangeAsync(channel, stoppingToken);
        await channel.QueueDeclareAsync(broker.Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
        foreach (var type in types)
        {
            await channel.QueueBindAsync(broker.Queue, RabbitMqBroker.Exchange, type, cancellationToken: stoppingToken);
        }

        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: Prefetch, global: false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(broker.Queue, autoAck: false, consumer, stoppingToken);
        connected();

        try
        {
            return await lost.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages go back to the queue when the channel closes, for the next start or another replica.
            await channel.CloseAsync(CancellationToken.None);
            await connection.CloseAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        if (!EventEnvelopeJson.TryRead(delivery.Body.Span, out var envelope, out var errors))
        {
            // It can never be read, however often it is delivered.
            LogUnreadable(logger, delivery.BasicProperties.MessageId, delivery.RoutingKey, string.Join(" ", errors.SelectMany(error => error.Value.Select(message => $"{error.Key}: {message}"))));
            await SettleAsync(() => channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None));
            return;
        }

        try
        {
            var outcome = await receiver.ReceiveAsync(envelope, stoppingToken);
            LogReceived(logger, envelope.Id, envelope.Type, outcome);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Left unacknowledged: the broker gives it back when the channel closes.
            return;
        }
        catch (Exception exception)
        {
            LogNotReceived(logger, exception, envelope.Id, envelope.Type, RedeliveryPause);
            try
            {
                await Task.Delay(RedeliveryPause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SettleAsync(() => channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None));
            return;
        }

        await SettleAsync(() => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None));
    }

    /// <summary>
    /// Acknowledges, or gives back, a message. On a channel already lost this fails; the broker delivers the message
    /// again on the next connection, and the inbox knows a repeat.
    /// </summary>
    private async Task SettleAsync(Func<ValueTask> settle)
    {
        try
        {
            await settle();
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException)
        {
            LogNotSettled(logger, exception.GetBaseException().Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This service handles no events: it has no queue at the broker")]
    private static partial void LogNothingToConsume(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} at the broker at {Broker}, bound to {Types}")]
    private static partial void LogConsuming(ILogger logger, string queue, string broker, string types);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming {Queue} at the broker at {Broker} again")]
    private static partial void LogConsumingAgain(ILogger logger, string queue, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the broker at {Broker} ({Reason}); connecting again in {Backoff}")]
    private static partial void LogLost(ILogger logger, string broker, string reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker at {Broker} cannot be reached ({Reason}); trying again in {Backoff}")]
    private static partial void LogUnreachable(ILogger logger, string broker, string reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The broker at {Broker} still cannot be reached ({Reason}); trying again in {Backoff}")]
    private static partial void LogStillUnreachable(ILogger logger, string broker, string reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Received event {EventId} ({EventType}): {Outcome}")]
    private static partial void LogReceived(ILogger logger, Guid eventId, string eventType, ReceiveOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take event {EventId} ({EventType}) into the inbox; giving it back to the queue in {Pause}")]
    private static partial void LogNotReceived(ILogger logger, Exception exception, Guid eventId, string eventType, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rejected message {MessageId} ({RoutingKey}), which is not an event envelope: {Errors}")]
    private static partial void LogUnreadable(ILogger logger, string? messageId, string routingKey, string errors);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not settle a message on a lost channel ({Reason}); the broker delivers it again")]
    private static partial void LogNotSettled(ILogger logger, string reason);
}
