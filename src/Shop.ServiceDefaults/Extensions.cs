using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Polly;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Shop.Contracts;
using Shop.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string ShopMeterPrefix = "Shop.";
    private const string IntegrationEventsSource = "Shop.Events";

    /// <summary>
    /// Adds telemetry, health checks, service discovery, resilient HttpClients, problem details, OpenAPI, the clock, and
    /// the client's address and scheme from trusted proxies only, and HSTS.
    /// </summary>
    /// <remarks>Each service calls <c>AddValidation()</c> itself: its source generator sees only the calling project's types.</remarks>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        builder.Services.AddServiceDiscovery();

        // One clock for every service and background job, which a test can replace.
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddValidatedOptions<ServiceCallOptions>(ServiceCallOptions.Section);
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Calls between services are traced and measured; the factory's log scope and start and end lines per call
            // cost every call without telling more.
            http.RemoveAllLoggers();
            http.AddStandardResilienceHandler(options =>
            {
                // A retried POST could act twice: only GETs, and POSTs that carry an Idempotency-Key, are retried.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage() is { } request && IsSafeToRepeat(request)
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome));
                // Fail within seconds rather than half a minute, so that callers get a prompt 503.
                options.Retry.Delay = TimeSpan.FromMilliseconds(100);
                // After half of at least five attempts in thirty seconds fail, calls are refused at once for five
                // seconds: callers get a fast 503 instead of piling up requests on a service that is away.
                options.CircuitBreaker.MinimumThroughput = 5;
                options.CircuitBreaker.FailureRatio = 0.5;
            })
            .Configure((options, services) =>
            {
                var calls = services.GetRequiredService<IOptions<ServiceCallOptions>>().Value;
                options.AttemptTimeout.Timeout = calls.AttemptTimeout;
                options.TotalRequestTimeout.Timeout = calls.TotalTimeout;
                // The circuit's window must hold two attempts at least.
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, 2 * calls.AttemptTimeout.TotalSeconds));
            })
            // One circuit per service called: without this, every client shares one breaker, and an outage of
            // the users service would also cut off calls to the products service.
            .SelectPipelineByAuthority();
            http.AddServiceDiscovery();
        });

        builder.AddDefaultProblemDetails();
        builder.AddStrictInput();
        builder.AddDefaultOpenApi();
        builder.AddEdgeDefaults();

        return builder;
    }

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
        || (request.Method == HttpMethod.Post && request.Headers.Contains("Idempotency-Key"));

    /// <summary>Exports logs, metrics and traces over OTLP when the AppHost provides an endpoint.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // The shop's own meters (Shop.Orders, Shop.Products, Shop.Users): orders, reservations, sign-ins, cache hits.
                .AddMeter(ShopMeterPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                // Integration events: the relay's publishes and the inbox's handling, in the trace that committed each event.
                .AddSource(IntegrationEventsSource)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Maps /health (readiness: every check) and /alive (liveness), and the OpenAPI document and, in Development, the
    /// Scalar UI, when <c>OpenApi:Enabled</c> (by default in Development only).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Health is read, never written: like every other route, they answer 405 to a method they do not have.
        var readOnly = new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]);
        app.MapHealthChecks(HealthEndpointPath).WithMetadata(readOnly);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live")
        }).WithMetadata(readOnly);

        // A deployed service does not hand every visitor a map of its API unless its operator says so.
        if (!app.Configuration.GetValue(OpenApiExtensions.EnabledSetting, defaultValue: app.Environment.IsDevelopment()))
        {
            return app;
        }

        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            // Served from the service itself, with no fonts or proxy from the internet. A person signs in at the issuer's
            // page, never in this one: Scalar opens the authorization request in a popup and reads the code from the popup's
            // address once the issuer sends it back to this page's own origin, so the redirect URI is this very page, by the
            // address the browser used. It is absolute because Scalar sends it to the token endpoint as written, and the
            // issuer matches it exactly against the ones registered for the client.
            app.MapScalarApiReference((options, context) => options
                .AddPreferredSecuritySchemes(OpenApiExtensions.SecuritySchemeName)
                .AddAuthorizationCodeFlow(OpenApiExtensions.SecuritySchemeName, flow => flow
                    .WithClientId(ShopIdentity.ApiReferenceClient)
                    .WithPkce(Pkce.Sha256)
                    .WithRedirectUri(UriHelper.BuildAbsolute(context.Request.Scheme, context.Request.Host, context.Request.PathBase, ShopIdentity.ApiReferencePath))
                    .WithSelectedScopes(ShopScopes.PersonDescriptions.Keys))
                .EnablePersistentAuthentication()
                .DisableDefaultFonts());
        }

        return app;
    }
}
