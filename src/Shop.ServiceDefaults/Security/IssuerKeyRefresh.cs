using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Errors;

namespace Shop.ServiceDefaults.Security;

/// <summary>
/// Fetches the token issuer's keys again every <c>Identity:KeyRefreshInterval</c>, whether requests come or not, so that
/// a key the issuer publishes ahead of signing with it is known here before the first token it signs arrives. JwtBearer
/// alone fetches them twice a day, or after it has refused a token signed with a key it did not know. Until a fetch
/// succeeds, the keys fetched before stay in use.
/// </summary>
internal sealed class IssuerKeyRefresh(IOptionsMonitor<JwtBearerOptions> options, TimeSpan interval, ILogger<IssuerKeyRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A service that checks tokens locally (the issuer itself) has no configuration manager.
            if (options.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager is not { } manager)
            {
                return;
            }

            try
            {
                manager.RequestRefresh();
                await manager.GetConfigurationAsync(stoppingToken);
            }
            catch (DependencyUnavailableException exception)
            {
                logger.LogDebug(exception, "The issuer's keys could not be fetched again; the ones fetched before stay in use");
            }
        }
    }
}
