using Microsoft.Playwright;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser for all the journeys; each test gets a fresh context (cookies,
/// storage) of its own. Playwright's own browser download is neither used nor needed: the package carries its driver.
/// The browser starts when a test first asks for one, so that a machine without Chromium skips the tests rather than
/// failing the class.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>How long an action or an expectation waits for its element: a busy two-core machine included.</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a navigation may take: a sign-in hashes a password, slowly on a busy machine.</summary>
    public static readonly TimeSpan NavigationTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The Chromium this machine has: Debian's at /usr/bin/chromium, else one named chromium on the PATH; null where there is none.</summary>
    public static string? ExecutablePath { get; } = File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : Shell.Find("chromium");

    /// <summary>Why the browser tests skip on a machine without Chromium. CI installs it, so this skip fails CI.</summary>
    public const string MissingReason = "The browser tests need Chromium (/usr/bin/chromium or chromium on the PATH): install Debian's package chromium (apt-get install chromium).";

    private readonly Lazy<Task<(IPlaywright Playwright, IBrowser Browser)>> _browser = new(LaunchAsync);

    static ChromiumFixture() => Assertions.SetDefaultExpectTimeout((float)ActionTimeout.TotalMilliseconds);

    /// <summary>Skips the calling test where this machine has no Chromium, naming the package to install.</summary>
    public static void SkipUnlessInstalled() => Assert.SkipWhen(ExecutablePath is null, MissingReason);

    /// <summary>A context of its own, its relative addresses resolved against <paramref name="baseAddress"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress)
    {
        SkipUnlessInstalled();
        var (_, browser) = await _browser.Value;
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.AbsoluteUri,
            Locale = "en-GB",
            ViewportSize = new() { Width = 1280, Height = 900 }
        });
        context.SetDefaultTimeout((float)ActionTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)NavigationTimeout.TotalMilliseconds);
        return context;
    }

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Chromium's sandbox refuses to run under root, as CI runs.
                Args = Environment.IsPrivilegedProcess ? ["--no-sandbox"] : []
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_browser.IsValueCreated && _browser.Value.IsCompletedSuccessfully)
        {
            var (playwright, browser) = _browser.Value.Result;
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}

/// <summary>
/// The browser journeys, one after another in one Chromium: each drives a browser and a topology's services at once,
/// and run side by side on a two-core machine, beside the other tests, they starved each other and everything else.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser journeys";
}
