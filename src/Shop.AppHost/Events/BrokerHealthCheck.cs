using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Shop.AppHost.Events;

/// <summary>
/// Healthy while the broker accepts an AMQP connection with the services' credentials and opens a channel on it. One
/// connection is kept between checks, so that the broker's log does not fill with a connection a check; one that closed
/// (the broker stopped) is replaced at the next check.
/// </summary>
internal sealed class BrokerHealthCheck(Func<string?> connectionString) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: false })
            {
                await _connection.DisposeAsync();
                _connection = null;
            }

            if (_connection is null)
            {
                var factory = new ConnectionFactory
                {
                    Uri = new Uri(connectionString() ?? throw new InvalidOperationException("The broker's connection string is not available yet.")),
                    AutomaticRecoveryEnabled = false,
                    RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
                    ClientProvidedName = "apphost-health"
                };
                _connection = await factory.CreateConnectionAsync(cancellationToken);
            }

            await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The broker does not accept an AMQP connection.", exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
