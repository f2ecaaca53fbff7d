using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost;

/// <summary>
/// Restarts a service's replicas one at a time while the others serve, as a rolling update of a deployment does: each
/// replica is stopped (with a signal the host drains on, as Kubernetes sends SIGTERM: it takes no new request and
/// finishes those in flight) and started again, and the next
/// only once the one before serves again: its own <c>/health</c> answers Healthy or Degraded, as a readiness probe asks.
/// </summary>
internal static class RollingRestartExtensions
{
    public const string CommandName = "restart-one-at-a-time";

    /// <summary>How long one replica may take to be healthy again: a start that migrates nothing takes seconds.</summary>
    private static readonly TimeSpan ReplicaStartTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan HealthProbeInterval = TimeSpan.FromMilliseconds(250);

    // One restart at a time per service: the dashboard offers the command on every replica, and Aspire runs a command
    // given for a replicated resource once for each of its replicas; every one of those joins the restart under way.
    private static readonly ConcurrentDictionary<string, Lazy<Task<ExecuteCommandResult>>> Restarts = new();

    /// <summary>Adds the dashboard command "Restart one at a time" to the service (and each of its replicas).</summary>
    public static IResourceBuilder<ProjectResource> WithRollingRestart(this IResourceBuilder<ProjectResource> service)
    {
        service.ApplicationBuilder.Services.TryAddSingleton<ResourceInstances>();
        service.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResourceInstances>(services => services.GetRequiredService<ResourceInstances>()));
        return service.WithCommand(CommandName, "Restart one at a time", context => JoinRestartAsync(service.Resource, context), new CommandOptions
        {
            Description = $"Restarts every replica of {service.Resource.Name}, one after another, each once the one before serves again, " +
                          "so that the others serve meanwhile.",
            IconName = "ArrowSync",
            UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled
        });
    }

    private static async Task<ExecuteCommandResult> JoinRestartAsync(ProjectResource service, ExecuteCommandContext context)
    {
        var restart = Restarts.GetOrAdd(service.Name, _ => new(() => RestartOneAtATimeAsync(service, context.Services)));
        try
        {
            return await restart.Value;
        }
        finally
        {
            Restarts.TryRemove(new(service.Name, restart));
        }
    }

    private static async Task<ExecuteCommandResult> RestartOneAtATimeAsync(ProjectResource service, IServiceProvider services)
    {
        var commands = services.GetRequiredService<ResourceCommandService>();
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RollingRestartExtensions).FullName!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var replicas = services.GetRequiredService<ResourceInstances>().Of(service);
        for (var index = 0; index < replicas.Count; index++)
        {
            var replica = replicas[index];
            var before = notifications.TryGetCurrentState(replica, out var current) ? current.Snapshot.StartTimeStamp : null;
            logger.LogInformation("Restarting {Replica}, {Index} of {Count} replicas of {Service}", replica, index + 1, replicas.Count, service.Name);
            var restarted = await commands.ExecuteCommandAsync(replica, KnownResourceCommands.RestartCommand);
            if (!restarted.Success)
            {
                return CommandResults.Failure($"{replica} did not restart: {restarted.Message}");
            }

            if (!await ServesAgainAsync(replica, before, notifications, http))
            {
                return CommandResults.Failure($"{replica} did not serve again within {ReplicaStartTimeout}; the replicas after it were left running.");
            }
        }

        logger.LogInformation("Every replica of {Service} was restarted, one at a time", service.Name);
        return CommandResults.Success();
    }

    /// <summary>Whether the replica, started again after <paramref name="before"/>, answers its own /health in time.</summary>
    private static async Task<bool> ServesAgainAsync(string replica, DateTime? before, ResourceNotificationService notifications, HttpClient http)
    {
        using var timeout = new CancellationTokenSource(ReplicaStartTimeout);
        try
        {
            while (true)
            {
                if (notifications.TryGetCurrentState(replica, out var state)
                    && state.Snapshot.State?.Text == KnownResourceStates.Running
                    && state.Snapshot.StartTimeStamp != before
                    && OwnAddressOf(state.Snapshot) is { } address
                    && await AnswersHealthyAsync(http, new Uri(address, "/health"), timeout.Token))
                {
                    return true;
                }

                await Task.Delay(HealthProbeInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Where the replica itself listens (<c>ASPNETCORE_URLS</c>), past the orchestrator's proxy that spreads requests over the replicas.</summary>
    private static Uri? OwnAddressOf(CustomResourceSnapshot snapshot) =>
        snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0] is { Length: > 0 } url
            ? new Uri(url)
            : null;

    private static async Task<bool> AnswersHealthyAsync(HttpClient http, Uri health, CancellationToken cancellationToken)
    {
        try
        {
            // Degraded serves too (200): a replica that cannot reach the cache, say, should not hold the others back.
            using var response = await http.GetAsync(health, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // This probe's own timeout: the replica is not ready yet.
            return false;
        }
    }
}
