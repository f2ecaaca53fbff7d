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
        { "Shop.Data", ["Shop.Contracts", "Shop.ServiceDefaults"] },
        { "Shop.Caching", ["Shop.ServiceDefaults"] },
        { "Shop.Events", ["Shop.Contracts", "Shop.Data", "Shop.ServiceDefaults"] },
        { "Shop.UserService", ["Shop.Caching", "Shop.Contracts", "Shop.Data", "Shop.Events", "Shop.ServiceDefaults"] },
        { "Shop.ProductService", ["Shop.Contracts", "Shop.Data", "Shop.Events", "Shop.ServiceDefaults"] },
        { "Shop.OrderService", ["Shop.Caching", "Shop.Contracts", "Shop.Data", "Shop.Events", "Shop.ServiceDefaults"] },
        { "Shop.Web", ["Shop.Contracts", "Shop.Data", "Shop.ServiceDefaults"] },
        { "Shop.AppHost", ["Shop.Contracts", "Shop.OrderService", "Shop.ProductService", "Shop.UserService", "Shop.Web"] }
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

    /// <summary>
    /// Service names come from ShopServices everywhere: in the services, the AppHost, the tests and the benchmark; as a
    /// literal, as an address's host (<c>http://users/</c>) or as a segment of a setting (<c>Identity:Clients:orders</c>).
    /// </summary>
    [Fact]
    public void NoServiceNameIsSpelledOutOutsideTheContracts()
    {
        var skipped = new[] { "Shop.Contracts", "obj", "bin", "Migrations", "PostgresMigrations", "node_modules" }
            .Select(folder => $"{Path.DirectorySeparatorChar}{folder}{Path.DirectorySeparatorChar}").ToList();
        var spelled = new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !skipped.Any(folder => file.Contains(folder, StringComparison.Ordinal))
                && Path.GetFileName(file) != nameof(ArchitectureTests) + ".cs")
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (File: file, Line: index + 1, Text: line)))
            .Where(line => !line.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && ServiceNameLiteral().IsMatch(line.Text))
            .Select(line => $"{Path.GetRelativePath(Repository.Root, line.File)}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        Assert.True(spelled.Count == 0, "Service names spelled out (use ShopServices):\n" + string.Join('\n', spelled));
    }

    [GeneratedRegex("\"(users|products|orders|cache|usersdb|productsdb|ordersdb)\"|//(users|products|orders)[/:\"]|:(users|products|orders)(:|\")|client_id=(users|products|orders)\\b")]
    private static partial Regex ServiceNameLiteral();
}
