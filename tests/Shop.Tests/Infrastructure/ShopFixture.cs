[assembly: AssemblyFixture(typeof(Shop.Tests.Infrastructure.ShopFixture))]

namespace Shop.Tests.Infrastructure;

/// <summary>The one topology that the whole-topology tests share, with the cache host chosen as on a developer's machine.</summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private ShopTopology? _topology;

    public ShopTopology Topology => _topology ?? throw new InvalidOperationException("The topology has not started.");

    public async ValueTask InitializeAsync() => _topology = await ShopTopology.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
