using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

public static class EdgeExtensions
{
    /// <summary>
    /// First thing in every request: the client's address and scheme from X-Forwarded-For and X-Forwarded-Proto, only
    /// when a proxy in <c>ForwardedHeaders:TrustedNetworks</c> sent them (from any other peer they are ignored); then,
    /// outside Development, Strict-Transport-Security on every answer to HTTPS.
    /// </summary>
    /// <remarks>
    /// ASP.NET Core's own switch (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>) believes every peer, which lets any client
    /// choose the address its per-address limits count against: the AppHost turns it off, and this replaces it.
    /// </remarks>
    public static IHostApplicationBuilder AddEdgeDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ForwardedHeadersSettings>(ForwardedHeadersSettings.Section);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.Value.ForwardLimit;
            // The middleware trusts loopback by default; here nothing is trusted that the setting does not name.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in settings.Value.Networks())
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        // A browser that has once reached the shop over HTTPS never tries plain HTTP for it again, for a year.
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddTransient<IStartupFilter, EdgeStartupFilter>();
        return builder;
    }

    /// <summary>Puts the edge before everything the service adds, so that every limit and log sees the client.</summary>
    private sealed class EdgeStartupFilter(IOptions<ForwardedHeadersSettings> settings, IWebHostEnvironment environment) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (settings.Value.TrustedNetworks.Length > 0)
            {
                app.UseForwardedHeaders();
            }

            if (!environment.IsDevelopment())
            {
                app.UseHsts();
            }

            next(app);
        };
    }
}
