using Microsoft.Playwright;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Browser;

/// <summary>
/// A browser journey through the web app of a running topology: a fresh Chromium context (no cookies, nothing stored)
/// for each test, from the browser the journeys share. Skipped, naming the package, where the machine has no Chromium.
/// A failing test leaves a screenshot of where it stopped in the test output's screenshots/failed, and writes what
/// the page read and the last lines the services and the web app logged.
/// </summary>
public abstract class StorefrontTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private IBrowserContext? _context;

    protected ShopTopology Shop { get; private set; } = null!;

    protected Storefront Store { get; private set; } = null!;

    protected IPage Page => Store.Page;

    protected abstract Task<ShopTopology> TopologyAsync();

    public async ValueTask InitializeAsync()
    {
        ChromiumFixture.SkipUnlessInstalled();
        Shop = await TopologyAsync();
        _context = await chromium.NewContextAsync(await Shop.StorefrontAsync());
        Store = new(await _context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is null)
        {
            return;
        }

        if (TestContext.Current.TestState?.Result == TestResult.Failed && Store is not null)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots", "failed");
            Directory.CreateDirectory(folder);
            var name = TestContext.Current.TestMethod?.MethodName ?? "test";
            await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
            var logs = Shop.ServiceLogText;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"The test stopped at {Page.Url}, which reads:\n{await Page.Locator("body").InnerTextAsync()}\n" +
                $"The services' and the web app's last lines:\n{logs[Math.Max(0, logs.Length - 6000)..]}");
        }

        await _context.CloseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Six characters that no other test's names carry: a test's products are found by searching for them.</summary>
    protected static string NewTag() => Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    /// <summary>A customer registered through the API, for the journeys that do not register in the browser.</summary>
    protected async Task<(UserDto User, string Password)> RegisteredCustomerAsync(string name)
    {
        var password = Guid.NewGuid().ToString("N");
        return (await Shop.As(Caller.Anonymous).Users.RegisterAsync(name, 38, password), password);
    }
}

/// <summary>Browser journeys on the shared topology: each makes its own products and customers, so they run beside any other test.</summary>
public abstract class SharedStorefrontTests(SharedTopologyFixture topology, ChromiumFixture chromium) : StorefrontTests(chromium)
{
    protected override Task<ShopTopology> TopologyAsync() => topology.TopologyAsync();
}
