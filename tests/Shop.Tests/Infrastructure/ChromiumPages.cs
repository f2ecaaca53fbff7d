using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Shop.Tests.Infrastructure;

/// <summary>What a browser test checks of any page: its accessibility scan, its width; and the screenshots it keeps.</summary>
public static class ChromiumPages
{
    /// <summary>The variable that sends the screenshots to the repository's docs/screenshots, for the README, rather than to the test output.</summary>
    public const string ScreenshotsVariable = "SHOP_SCREENSHOTS";

    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    /// <summary>
    /// Runs axe-core in the page and asserts that it finds nothing serious or critical; the failure lists each
    /// violation's rule, impact and the elements it found it on.
    /// </summary>
    public static async Task AssertAccessibleAsync(this IPage page, string what)
    {
        var result = await page.RunAxe();
        var blocking = result.Violations.Where(violation => BlockingImpacts.Contains(violation.Impact)).ToList();
        Assert.True(blocking.Count == 0, $"The accessibility scan of {what} ({page.Url}) found:\n" + string.Join('\n', blocking.Select(violation =>
            $"- {violation.Id} ({violation.Impact}): {violation.Help}; on {string.Join(", ", violation.Nodes.Select(node => node.Target.ToString()))}")));
    }

    /// <summary>Asserts that the page does not scroll sideways at its viewport's width.</summary>
    public static async Task AssertNoHorizontalScrollingAsync(this IPage page, string what)
    {
        var width = page.ViewportSize?.Width ?? throw new InvalidOperationException("The page has no fixed viewport.");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{what} ({page.Url}) is {scrollWidth} px wide at a {width} px viewport: it scrolls sideways.");
    }

    /// <summary>Asserts that <paramref name="element"/> lies within the viewport's width, where a person can reach it without scrolling sideways.</summary>
    public static async Task AssertWithinWidthAsync(this IPage page, ILocator element, string what)
    {
        var width = page.ViewportSize?.Width ?? throw new InvalidOperationException("The page has no fixed viewport.");
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{what} is not shown.");
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{what} spans {box.X}..{box.X + box.Width} px, outside the {width} px viewport.");
    }

    /// <summary>
    /// Saves a full-page PNG named <paramref name="name"/>: into docs/screenshots of the repository when
    /// <see cref="ScreenshotsVariable"/> is 1 (the README shows those), otherwise into the test output, so that a plain
    /// run leaves the clone as it was.
    /// </summary>
    public static async Task SaveScreenshotAsync(this IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotsVariable) == "1"
            ? Path.Combine(Repository.Root, "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }
}
