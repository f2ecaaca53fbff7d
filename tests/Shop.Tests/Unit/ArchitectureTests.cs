using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Unit;

/// <summary>
/// The rules of the solution's structure, read from the project files and the sources, so that a change cannot
/// quietly break them: services never reference each other, the defaults reference no service, the contracts
/// reference nothing of ours, and no service's name is spelled out outside the contracts.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Source = Path.Combine(Repository.Root, "src");

    public static TheoryData<string, string[]> AllowedReferences() => new()
    {
        { "Shop.Contracts", [] },
        { "Shop.ServiceDefaults", ["Shop.Contracts"] },
        { "Shop.UserService", ["Shop.Contracts", "Shop.ServiceDefaults"] },
        { "Shop.ProductService", ["Shop.Contracts", "Shop.ServiceDefaults"] },
        { "Shop.OrderService", ["Shop.Contracts", "Shop.ServiceDefaults"] },
        { "Shop.AppHost", ["Shop.Contracts", "Shop.OrderService", "Shop.ProductService", "Shop.UserService"] }
    };

    [Theory]
    [MemberData(nameof(AllowedReferences))]
    public void AProjectReferencesOnlyWhatItsLayerMay(string project, string[] allowed)
    {
        var references = XDocument.Load(Path.Combine(Source, project, project + ".csproj"))
            .Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order();

        Assert.Equal(allowed, references);
    }

    [Fact]
    public void EveryProjectUnderSrcHasItsRule() =>
        Assert.Equal(AllowedReferences().Select(row => (string)row.Data.Item1).Order(),
            Directory.GetDirectories(Source).Select(Path.GetFileName).OfType<string>().Order());

    [Fact]
    public void NoServiceNameIsSpelledOutOutsideTheContracts()
    {
        var spelled = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}Shop.Contracts{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (File: file, Line: index + 1, Text: line)))
            .Where(line => ServiceNameLiteral().IsMatch(line.Text))
            .Select(line => $"{Path.GetRelativePath(Source, line.File)}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        Assert.True(spelled.Count == 0, "Service names spelled out (use ShopServices):\n" + string.Join('\n', spelled));
    }

    [GeneratedRegex("\"(users|products|orders|cache|usersdb|productsdb|ordersdb)\"")]
    private static partial Regex ServiceNameLiteral();
}
