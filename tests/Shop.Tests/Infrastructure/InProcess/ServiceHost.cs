using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Shop.Tests.Infrastructure.InProcess;

/// <summary>
/// One service, started inside the test process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on a SQLite file
/// of its own in a temporary folder, with tokens checked against <see cref="TokenForge.InProcess"/>'s key, and its
/// cache in the process too (<see cref="InProcessCache"/>) or, without one, unreachable as in a cache outage.
/// </summary>
/// <typeparam name="TEntry">A type of the service's assembly, which names the service to start.</typeparam>
public abstract class ServiceHost<TEntry> : WebApplicationFactory<TEntry> where TEntry : class
{
    // Nothing listens on port 1 of loopback: every cache call fails at once, as while the cache is down.
    private const string UnreachableCache = "127.0.0.1:1,password=none,connectTimeout=200";

    /// <summary>The secret that signs the events a test delivers to a service in this process.</summary>
    public const string InProcessDeliverySecret = "in-process-delivery-secret-of-the-tests";

    private readonly InProcessCache? _cache;

    protected ServiceHost(bool withCache)
    {
        _cache = withCache ? new InProcessCache() : null;
    }

    /// <summary>The folder of the service's SQLite database, removed when the host is disposed.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("shop-service-").FullName;

    /// <summary>A cache this service shares with other hosts, as replicas of a service share theirs; it is the caller's to dispose.</summary>
    public InProcessCache? SharedCache { get; init; }

    /// <summary>The connection string of the service's cache; null when it has none.</summary>
    public string? CacheConnectionString => (SharedCache ?? _cache)?.ConnectionString;

    /// <summary>The environment the service runs in: Development, as under the AppHost, unless a test says otherwise.</summary>
    public string HostEnvironment { get; init; } = Environments.Development;

    /// <summary>
    /// The service's clock in place of the machine's: a test that counts against a time window gives a
    /// <c>FakeTimeProvider</c>, so that only the test moves time on, however slow the machine.
    /// </summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>The audience of this service's tokens, which is also its resource name.</summary>
    public abstract string Audience { get; }

    protected abstract string DatabaseName { get; }

    /// <summary>The path of the service's SQLite file, for tests that write it before the service starts.</summary>
    public string DatabaseFile => Path.Combine(DataDirectory, DatabaseName + ".db");

    /// <summary>The service's database, for tests that play a crash by writing to it.</summary>
    public DatabaseBackdoor Database => DatabaseBackdoor.SqliteFile(DatabaseFile);

    /// <summary>Settings of this service, as the AppHost would pass them.</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    /// <summary>A client of the service whose requests carry <paramref name="caller"/>'s token.</summary>
    public HttpClient As(Caller caller)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (caller.TokenFor(Audience, TokenForge.InProcess) is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(HostEnvironment);
        builder.UseSetting($"ConnectionStrings:{DatabaseName}", $"Data Source={DatabaseFile}");
        builder.UseSetting("ConnectionStrings:cache", CacheConnectionString ?? UnreachableCache);
        // A cache in this process answers in microseconds, but a machine running the whole suite on two cores can stall
        // a call for seconds: that must not pass for a cache outage, so a reachable cache is given as long as the whole
        // topology's (30 s). An unreachable one refuses at once; its calls keep a short timeout, as they wait it out
        // while the client tries to connect.
        builder.UseSetting("Cache:Timeout", CacheConnectionString is null ? "00:00:05" : "00:00:30");
        // Events over HTTP to no subscriber: what a service publishes is taken at once, and reaches no one.
        builder.UseSetting(EventTransports.Setting, EventTransports.Http);
        builder.UseSetting(EventTransports.HttpSecretSetting, InProcessDeliverySecret);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (!FetchesIssuerKeys)
            {
                // Tokens are checked with the test key rather than with keys fetched from a users service.
                services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                {
                    options.Authority = null;
                    options.ConfigurationManager = null;
                    options.TokenValidationParameters.IssuerSigningKey = TokenForge.InProcess.Key;
                    options.TokenValidationParameters.ValidIssuer = ShopIdentity.Issuer;
                });
            }

            if (Clock is not null)
            {
                services.AddSingleton(Clock);
            }

            ConfigureServices(services);
        });
    }

    /// <summary>Whether the service fetches the issuer's keys itself (from a fake), rather than being given the test key.</summary>
    protected virtual bool FetchesIssuerKeys => false;

    /// <summary>Replaces what the service depends on, beyond its database, cache and token keys.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _cache?.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
