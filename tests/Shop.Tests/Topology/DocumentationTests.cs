using System.Text.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// What the README and the <c>.http</c> files show a newcomer is run against a real topology, exactly as written, so
/// that neither can drift from the system. Only the addresses differ: the snippet and the files take them from
/// variables, and the topology's services listen on free ports.
/// </summary>
public sealed class DocumentationTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public async Task TheReadmeSignInSnippetRunsAsWritten()
    {
        var snippet = ShellBlockAfter(File.ReadAllText(Path.Combine(Root, "README.md")), "## Signing in");
        var bash = Shell.Find("bash");
        Assert.SkipWhen(bash is null || Shell.Find("curl") is null, "The README's snippet needs bash and curl, which this machine lacks.");

        var run = await Shell.RunAsync(bash!, ["-e", "-o", "pipefail", "-s"], snippet, new Dictionary<string, string?>
        {
            ["SHOP_USERS"] = Url(ShopServices.Users),
            ["SHOP_PRODUCTS"] = Url(ShopServices.Products),
            ["SHOP_ORDERS"] = Url(ShopServices.Orders)
        });
        var output = run.All;

        Assert.True(run.ExitCode == 0, $"The snippet failed ({run.ExitCode}):\n{output}");
        Assert.Contains("\"email\":\"carol@example.com\"", output, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"Confirmed\"", output, StringComparison.Ordinal);
        Assert.Contains("\"totalCount\":1", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HttpFiles() => new()
    {
        { "src/Shop.UserService/Shop.UserService.http", "201 200 200 403 200 204" },
        { "src/Shop.ProductService/Shop.ProductService.http", "200 200 201 200 200 204" },
        { "src/Shop.OrderService/Shop.OrderService.http", "201 200 201 200 200 200" }
    };

    /// <summary>Each file runs from top to bottom with httpyac, a command-line runner of .http files from npm.</summary>
    [Theory]
    [MemberData(nameof(HttpFiles))]
    public async Task AnHttpFileRunsAsWritten(string file, string statuses)
    {
        var httpyac = await HttpyacAsync();

        var run = await Shell.RunAsync(httpyac, [
            "send", Path.Combine(Root, file), "--all", "--json",
            "--var", $"users={Url(ShopServices.Users)}",
            "--var", $"products={Url(ShopServices.Products)}",
            "--var", $"orders={Url(ShopServices.Orders)}",
            "--var", $"adminPassword={Shop.AdminPassword}"
        ]);
        var output = run.All;

        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        var requests = JsonDocument.Parse(json).RootElement.GetProperty("requests").EnumerateArray().ToList();
        var answered = string.Join(' ', requests.Select(r => r.TryGetProperty("response", out var response)
            ? response.GetProperty("statusCode").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "none"));
        Assert.True(answered == statuses, $"{file} answered {answered}, expected {statuses} (httpyac exit {run.ExitCode}):\n{output}");
    }

    private string Url(string resource) => Shop.AddressOf(resource).ToString().TrimEnd('/');

    /// <summary>The first <c>```sh</c> block after <paramref name="heading"/>.</summary>
    private static string ShellBlockAfter(string markdown, string heading)
    {
        var section = markdown[markdown.IndexOf(heading + "\n", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>
    /// httpyac, installed from the npm registry at the version that <c>tests/Shop.Tests/HttpFiles/package-lock.json</c>
    /// pins, on first use; the test is skipped, saying so, where Node.js is not installed.
    /// </summary>
    private static async Task<string> HttpyacAsync()
    {
        var npm = Shell.Find("npm");
        Assert.SkipWhen(npm is null || Shell.Find("node") is null, "Running the .http files needs Node.js and npm, which this machine lacks.");
        var directory = Path.Combine(Root, "tests", "Shop.Tests", "HttpFiles");
        var httpyac = Path.Combine(directory, "node_modules", ".bin", "httpyac");
        await InstallLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(httpyac))
            {
                var install = await Shell.RunAsync(npm!, ["ci", "--no-audit", "--no-fund", "--prefix", directory]);
                Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install.All}");
            }
        }
        finally
        {
            InstallLock.Release();
        }

        return httpyac;
    }

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
}
