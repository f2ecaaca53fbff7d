using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Unit;

/// <summary>
/// The documents a newcomer reads: every relative link leads somewhere, as GitHub renders it, and the README stays a
/// front door that reaches "Quick start" on its first screen.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    private static readonly string Root = Repository.Root;

    private static IEnumerable<string> Documents() =>
        new[] { "README.md", "tests/README.md", "bench/README.md" }.Select(file => Path.Combine(Root, file))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));

    [Fact]
    public void EveryRelativeLinkLeadsToAFileAndHeadingThatExist()
    {
        var broken = new List<string>();
        foreach (var document in Documents())
        {
            var name = Path.GetRelativePath(Root, document);
            foreach (var target in Links(File.ReadAllLines(document)).Where(target => !Uri.TryCreate(target, UriKind.Absolute, out _)))
            {
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var (path, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
                var file = path.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{name}: {target} (no such file)");
                }
                else if (anchor is not null && (!File.Exists(file) || !Anchors(File.ReadAllLines(file)).Contains(anchor)))
                {
                    broken.Add($"{name}: {target} (no heading makes #{anchor})");
                }
            }
        }

        Assert.True(broken.Count == 0, "Links that lead nowhere:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void TheReadmeIsShortAndReachesQuickStartOnItsFirstScreen()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));

        Assert.True(lines.Length <= 200, $"README.md has {lines.Length} lines; what goes beyond a front door belongs in docs/.");
        var quickStart = Array.IndexOf(lines, "## Quick start");
        Assert.True(quickStart is >= 0 and < 40, $"\"## Quick start\" is at line {quickStart + 1} of README.md, not within its first 40.");
    }

    [Theory]
    [InlineData("## The services", "the-services")]
    [InlineData("### Signing in from the API reference", "signing-in-from-the-api-reference")]
    [InlineData("## The second run, on PostgreSQL", "the-second-run-on-postgresql")]
    [InlineData("## What skips, and why", "what-skips-and-why")]
    [InlineData("## `Data:Provider` and *more*", "dataprovider-and-more")]
    public void AHeadingMakesTheAnchorGitHubGivesIt(string heading, string anchor) =>
        Assert.Contains(anchor, Anchors([heading]));

    /// <summary>The targets of the Markdown links and images outside code.</summary>
    private static IEnumerable<string> Links(IEnumerable<string> lines) =>
        Prose(lines).SelectMany(line => Link().Matches(InlineCode().Replace(line, "")).Select(match => match.Groups["target"].Value));

    /// <summary>The anchors GitHub gives a file's headings: lower case, without punctuation, spaces as dashes, repeats numbered.</summary>
    private static HashSet<string> Anchors(IEnumerable<string> lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Prose(lines).Where(line => Heading().IsMatch(line)))
        {
            var text = Link().Replace(Heading().Match(line).Groups["text"].Value, "${text}").Replace("*", "", StringComparison.Ordinal);
            var slug = NotInAnchor().Replace(text.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var unique = slug;
            for (var repeat = 1; !anchors.Add(unique); repeat++)
            {
                unique = $"{slug}-{repeat}";
            }
        }

        return anchors;
    }

    /// <summary>The lines outside fenced code blocks.</summary>
    private static IEnumerable<string> Prose(IEnumerable<string> lines)
    {
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode)
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(`+).*?\1")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}\p{Pc} -]")]
    private static partial Regex NotInAnchor();
}
