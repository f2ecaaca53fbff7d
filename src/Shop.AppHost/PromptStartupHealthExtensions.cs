using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Shop.AppHost;

internal static class PromptStartupHealthExtensions
{
    /// <summary>How often a resource that is starting is checked again.</summary>
    private static readonly TimeSpan StartupProbeInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest interval at which Aspire checks a resource that is not healthy; a check waits no longer.</summary>
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sees each resource healthy within a fifth of a second of its becoming so when it starts. Aspire checks a resource
    /// that is not healthy at growing intervals (1, 2, 3, 4, then 5 s), so a service ready just after a check is seen
    /// ready up to 5 s later, and whatever waits for it waits as long. Until a resource has first been healthy, each
    /// of its checks here looks again every <see cref="StartupProbeInterval"/>, for up to <see cref="StartupPatience"/>,
    /// before it answers unhealthy. Once it has been healthy, a check answers at once, as Aspire's own do.
    /// </summary>
    public static IDistributedApplicationBuilder WithPromptStartupHealth(this IDistributedApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>, PromptStartupHealth>();
        return builder;
    }

    private sealed class PromptStartupHealth(TimeProvider clock) : IPostConfigureOptions<HealthCheckServiceOptions>
    {
        public void PostConfigure(string? name, HealthCheckServiceOptions options)
        {
            foreach (var registration in options.Registrations)
            {
                var check = registration.Factory;
                var started = new StartupState();
                registration.Factory = services => new UntilFirstHealthy(check(services), started, clock);
            }
        }
    }

    private sealed class StartupState
    {
        public volatile bool HasBeenHealthy;
    }

    private sealed class UntilFirstHealthy(IHealthCheck check, StartupState state, TimeProvider clock) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var started = clock.GetTimestamp();
            // Within a check's own timeout, if it has one, so that the answer is the check's and not the timeout's.
            var timeout = context.Registration.Timeout;
            var patience = timeout > TimeSpan.Zero && timeout < StartupPatience ? timeout - StartupProbeInterval : StartupPatience;
            while (true)
            {
                HealthCheckResult result;
                try
                {
                    result = await check.CheckHealthAsync(context, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    result = new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception);
                }

                if (result.Status == HealthStatus.Healthy)
                {
                    state.HasBeenHealthy = true;
                    return result;
                }

                if (state.HasBeenHealthy || clock.GetElapsedTime(started) + StartupProbeInterval > patience)
                {
                    return result;
                }

                await Task.Delay(StartupProbeInterval, clock, cancellationToken);
            }
        }
    }
}
