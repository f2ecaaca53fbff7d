[assembly: AssemblyFixture(typeof(Shop.Tests.Infrastructure.InProcess.InProcessServicesFixture))]

namespace Shop.Tests.Infrastructure.InProcess;

/// <summary>
/// One of each service in this process, shared by the tests of what one service decides alone (validation, bad
/// requests, access rules, problem shapes, paging), each started when a test first asks for it. Like the shared
/// topology, each test makes its own data.
/// </summary>
public sealed class InProcessServicesFixture : IAsyncLifetime
{
    // Each starts inside its Lazy, once, rather than on whichever parallel test touches it first.
    private readonly Lazy<UsersServiceHost> _users = new(() => Started(new UsersServiceHost(), host => host.Server));
    // Holds last an hour here: on a busy machine a test may take minutes between holding stock and reading it, and the
    // sweep, on the machine's clock, would give it back meanwhile. The tests of expiry run a host of their own.
    private readonly Lazy<ProductsServiceHost> _products = new(() => Started(new ProductsServiceHost(("Reservations:HoldTimeout", "01:00:00")), host => host.Server));
    private readonly Lazy<OrdersServiceHost> _orders = new(() => Started(new OrdersServiceHost(), host => host.Server));

    public UsersServiceHost Users => _users.Value;

    public ProductsServiceHost Products => _products.Value;

    public OrdersServiceHost Orders => _orders.Value;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new IAsyncDisposable?[]
        {
            _users.IsValueCreated ? _users.Value : null,
            _products.IsValueCreated ? _products.Value : null,
            _orders.IsValueCreated ? _orders.Value : null
        })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static THost Started<THost>(THost host, Func<THost, object> start)
    {
        start(host);
        return host;
    }
}
