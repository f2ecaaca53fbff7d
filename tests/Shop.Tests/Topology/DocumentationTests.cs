using System.Text.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// What the documentation and the <c>.http</c> files show a newcomer is run against a real topology, exactly as
/// written, so that neither can drift from the system. Only the addresses differ: the snippets and the files take them
/// from variables, and the topology's services listen on free ports.
/// </summary>
public sealed class DocumentationTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    private static readonly string Root = Repository.Root;

    /// <summary>The info string of a shell block that is not run against the services (tests/README.md says which).</summary>
    private const string NotRun = "no-run";

    /// <summary>What a snippet's output must hold, by the file and heading it is under; any other snippet must exit 0.</summary>
    private static readonly Dictionary<string, string[]> Shows = new()
    {
        ["docs/api.md ## Signing in"] = ["\"email\":\"carol@example.com\"", "\"status\":\"Confirmed\"", "\"totalCount\":1"]
    };

    /// <summary>Every <c>```sh</c> block in docs/ but those marked <c>no-run</c>, by its file, heading and line.</summary>
    public static TheoryData<string, string, int> ShellSnippets()
    {
        var snippets = new TheoryData<string, string, int>();
        var headings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
            foreach (var snippet in ShellBlocks(File.ReadAllLines(file)).Where(block => !block.Tags.Contains(NotRun)))
            {
                snippets.Add(relative, snippet.Heading, snippet.Line);
                headings.Add($"{relative} {snippet.Heading}");
            }
        }

        var unmatched = Shows.Keys.Where(key => !headings.Contains(key)).ToList();
        return unmatched.Count == 0 ? snippets
            : throw new InvalidOperationException($"No snippet runs under {string.Join(", ", unmatched)}, whose output is checked.");
    }

    [Theory]
    [MemberData(nameof(ShellSnippets))]
    public async Task AShellSnippetOfTheDocsRunsAsWritten(string file, string heading, int line)
    {
        var snippet = ShellBlocks(File.ReadAllLines(Path.Combine(Root, file))).Single(block => block.Line == line);
        var bash = Shell.Find("bash");
        Assert.SkipWhen(bash is null || Shell.Find("curl") is null, $"The snippet of {file} under \"{heading}\" needs bash and curl, which this machine lacks.");

        var run = await Shell.RunAsync(bash!, ["-e", "-o", "pipefail", "-s"], snippet.Text, new Dictionary<string, string?>
        {
            ["SHOP_USERS"] = Url(ShopServices.Users),
            ["SHOP_PRODUCTS"] = Url(ShopServices.Products),
            ["SHOP_ORDERS"] = Url(ShopServices.Orders)
        });
        var output = run.All;

        Assert.True(run.ExitCode == 0, $"The snippet of {file} at line {line} failed ({run.ExitCode}):\n{output}");
        foreach (var expected in Shows.GetValueOrDefault($"{file} {heading}", []))
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> HttpFiles() => new()
    {
        { "src/Shop.UserService/Shop.UserService.http", "201 200 200 403 200 204 200 204" },
        { "src/Shop.ProductService/Shop.ProductService.http", "200 200 201 200 200 200 204" },
        { "src/Shop.OrderService/Shop.OrderService.http", "201 200 201 200 200 200" }
    };

    /// <summary>Each file runs from top to bottom with httpyac, a command-line runner of .http files from npm.</summary>
    [Theory]
    [MemberData(nameof(HttpFiles))]
    public async Task AnHttpFileRunsAsWritten(string file, string statuses)
    {
        var httpyac = Path.Combine(Root, HttpyacFolder, "node_modules", ".bin", "httpyac");
        Assert.SkipUnless(File.Exists(httpyac), $"httpyac is not installed: run `npm ci --no-audit --no-fund --prefix {HttpyacFolder}` (with Node.js and npm) first.");

        var run = await Shell.RunAsync(httpyac, [
            "send", Path.Combine(Root, file), "--all", "--json",
            "--var", $"users={Url(ShopServices.Users)}",
            "--var", $"products={Url(ShopServices.Products)}",
            "--var", $"orders={Url(ShopServices.Orders)}",
            "--var", $"adminEmail={AppHostSettings.AdminEmail}",
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

    /// <summary>Where httpyac is installed, at the version its <c>package-lock.json</c> pins; .ci/run installs it.</summary>
    private const string HttpyacFolder = "tests/Shop.Tests/HttpFiles";

    private string Url(string resource) => Shop.AddressOf(resource).ToString().TrimEnd('/');

    private sealed record ShellBlock(string Heading, int Line, string[] Tags, string Text);

    /// <summary>The <c>```sh</c> blocks of a Markdown file, each with the heading it is under and the line it opens on.</summary>
    private static IEnumerable<ShellBlock> ShellBlocks(string[] lines)
    {
        var heading = "";
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (line.StartsWith('#'))
            {
                heading = line;
            }
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                var info = line[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var end = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
                if (info.FirstOrDefault() == "sh")
                {
                    var indent = lines[i].Length - line.Length;
                    var text = lines[(i + 1)..end].Select(l => l[Math.Min(indent, l.Length - l.TrimStart().Length)..]);
                    yield return new(heading, i + 1, info[1..], string.Join('\n', text) + "\n");
                }

                i = end;
            }
        }
    }
}
