using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.ProductService.Data;
using Shop.ServiceDefaults.Http;
using Shop.UserService.Data;

namespace Shop.Tests.Infrastructure.InProcess;

/// <summary>The users service in this process: it issues tokens signed with <see cref="TokenForge.InProcess"/>'s key.</summary>
public sealed class UsersServiceHost(bool withCache = false, params (string Key, string Value)[] settings) : ServiceHost<UsersDbContext>(withCache)
{
    public const string AdminEmail = "admin@in-process.test";
    public const string AdminPassword = "admin password for tests";
    public const string OrdersClientSecret = "orders client secret for tests";

    public override string Audience => ShopServices.Users;

    protected override string DatabaseName => ShopResources.UsersDatabase;

    /// <summary>Registers a customer with <paramref name="password"/>, as anyone may.</summary>
    public async Task<UserDto> RegisterAsync(string name = "Dana", string password = "a password to remember")
    {
        using var anonymous = As(Caller.Anonymous);
        return await anonymous.RegisterAsync(name, 33, password);
    }

    /// <summary>Asks for a token with the password grant; the response is the caller's to check.</summary>
    public async Task<HttpResponseMessage> RequestTokenAsync(string email, string password)
    {
        using var anonymous = As(Caller.Anonymous);
        return await anonymous.RequestTokenAsync(email, password);
    }

    /// <summary>
    /// Hashes passwords with a thousandth of the work: what these tests show does not depend on the hash's cost, and
    /// every sign-in hashes (an unknown email too), on the test process's own threads, beside the in-process caches.
    /// </summary>
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<PasswordHasherOptions>(options => options.IterationCount = 100);

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("Identity:SigningKeyPath", TokenForge.InProcess.KeyFile),
        ("Identity:Admin:Email", AdminEmail),
        ("Identity:Admin:Password", AdminPassword),
        ($"Identity:Clients:{ShopServices.Orders}", OrdersClientSecret),
        ("RateLimits:WritesPerMinute", "1000000"),
        ("RateLimits:SignInsPerAddressPerMinute", "1000000"),
        ("RateLimits:RegistrationsPerAddressPerHour", "1000000"),
        .. settings
    ];
}

/// <summary>The products service in this process.</summary>
public sealed class ProductsServiceHost(params (string Key, string Value)[] settings) : ServiceHost<ProductsDbContext>(withCache: false)
{
    public override string Audience => ShopServices.Products;

    /// <summary>Creates a product as the admin, the only one who may.</summary>
    public async Task<ProductDto> CreateProductAsync(string name = "Kettle", decimal price = 20m, string currency = "EUR", int stock = 10)
    {
        using var admin = As(Caller.Admin());
        return await admin.CreateProductAsync(name, price, currency, stock);
    }

    protected override string DatabaseName => ShopResources.ProductsDatabase;

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        // Where its API reference signs in; nothing in this process calls it.
        ($"services:{ShopServices.Users}:http:0", FakePeers.UsersAddress),
        ("RateLimits:WritesPerMinute", "1000000"),
        .. settings
    ];
}

/// <summary>
/// The orders service in this process, calling <see cref="Peers"/> in place of the users and products services; it
/// fetches the issuer's keys from them too, as it does from the users service.
/// </summary>
public sealed class OrdersServiceHost(bool withCache = false, params (string Key, string Value)[] settings) : ServiceHost<OrdersDbContext>(withCache)
{
    public FakePeers Peers { get; } = new();

    public override string Audience => ShopServices.Orders;

    protected override string DatabaseName => ShopResources.OrdersDatabase;

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ($"services:{ShopServices.Users}:http:0", FakePeers.UsersAddress),
        ($"services:{ShopServices.Products}:http:0", FakePeers.ProductsAddress),
        ("Identity:ClientSecret", UsersServiceHost.OrdersClientSecret),
        ("RateLimits:WritesPerMinute", "1000000"),
        .. settings
    ];

    protected override bool FetchesIssuerKeys => true;

    protected override void ConfigureServices(IServiceCollection services)
    {
        // A handler of its own for each client the factory builds, all answering from the one set of peers.
        services.AddHttpClient(AuthenticationExtensions.IssuerMetadataClient).ConfigurePrimaryHttpMessageHandler(() => new FakePeers.Handler(Peers));
        services.AddHttpClient<UsersClient>().ConfigurePrimaryHttpMessageHandler(() => new FakePeers.Handler(Peers));
        services.AddHttpClient<ProductsClient>().ConfigurePrimaryHttpMessageHandler(() => new FakePeers.Handler(Peers));
        services.AddHttpClient(ServiceTokenSource.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new FakePeers.Handler(Peers));
    }
}
