[assembly: AssemblyFixture(typeof(Shop.Tests.Infrastructure.SharedTopologyFixture))]

namespace Shop.Tests.Infrastructure;

/// <summary>
/// The one topology that the whole-topology tests share, with the cache host chosen as on a developer's machine. It
/// starts when a test first asks for it, beside the isolated topologies rather than before them. Tests on it never
/// stop a resource: each sets up its own customers and products, so that they can run in any order and in parallel.
/// </summary>
public sealed class SharedTopologyFixture : IAsyncLifetime
{
    private readonly Lazy<Task<ShopTopology>> _topology = new(() => ShopTopology.StartAsync());

    public Task<ShopTopology> TopologyAsync() => _topology.Value;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_topology.IsValueCreated)
        {
            await (await _topology.Value).DisposeAsync();
        }
    }
}

/// <summary>Tests on the shared topology: <see cref="Shop"/> is ready before each test starts.</summary>
public abstract class SharedTopologyTests(SharedTopologyFixture fixture) : IAsyncLifetime
{
    protected ShopTopology Shop { get; private set; } = null!;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Shop = await fixture.TopologyAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
