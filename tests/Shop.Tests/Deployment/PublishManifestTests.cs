using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Deployment;

/// <summary>
/// The AppHost's publish manifest is what a deployment tool reads: it must run where containers do, name nothing of
/// the machine that wrote it, and be the one the repository holds, which deploy/kubernetes follows.
/// </summary>
public sealed partial class PublishManifestTests
{
    [Fact]
    public async Task TheManifestIsTheSameOnAMachineWithoutRedisOrPostgresAndWithOtherSettings()
    {
        var here = await AspireManifest.PublishAsync();
        var elsewhere = Directory.CreateTempSubdirectory("shop-elsewhere-");
        try
        {
            // Only the .NET SDK on the PATH (a folder holding nothing but dotnet: its own folder may hold redis-server
            // too), no container runtime, another home (no user secrets), and the settings of a machine that runs
            // everything locally and has changed the services' settings.
            var path = elsewhere.CreateSubdirectory("bin");
            File.CreateSymbolicLink(Path.Combine(path.FullName, "dotnet"), new FileInfo(Shell.Dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Shell.Dotnet);
            var bare = new Dictionary<string, string?>
            {
                ["PATH"] = path.FullName,
                ["HOME"] = elsewhere.FullName,
                ["DOCKER_HOST"] = $"unix://{Path.Combine(elsewhere.FullName, "docker.sock")}"
            };
            var there = await AspireManifest.PublishAsync(bare,
                "--Cache:Host=garnet", "--Data:PostgresHost=local", $"--Data:Directory={elsewhere.FullName}", "--Services:Replicas=3",
                "--Identity:Admin:Password=a-password-of-this-machine", "--Identity:Issuer=http://localhost:5999/", "--Ordering:PendingTimeout=00:00:05", "--RateLimits:WritesPerMinute=7");

            Assert.Equal(here, there);
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }

        Assert.True(here == await File.ReadAllTextAsync(AspireManifest.CommittedPath, TestContext.Current.CancellationToken),
            "deploy/aspire-manifest.json is not what the AppHost publishes: publish it again as docs/operations.md's \"Deploying\" says.");
    }

    [Fact]
    public async Task ThePublishedManifestRunsWhereContainersDoAndNamesNothingOfThisMachine()
    {
        var manifest = await AspireManifest.PublishAsync();
        var resources = AspireManifest.ResourcesOf(manifest);

        Assert.DoesNotContain(resources, resource => TypeOf(resource.Value!) == "executable.v0");
        Assert.Equal("container.v0", TypeOf(resources[ShopResources.Cache]!));
        Assert.Equal("container.v0", TypeOf(resources[ShopResources.Postgres]!));
        // Each service signs in as its database's own role, never as the superuser, with a password asked for at deployment.
        Assert.All(ShopResources.Databases, database =>
        {
            Assert.Equal(
                $"Host={{{ShopResources.Postgres}.bindings.tcp.host}};Port={{{ShopResources.Postgres}.bindings.tcp.port}};Username={database};Password={{{database}-password.value}};Database={database}",
                resources[database]!["connectionString"]!.GetValue<string>());
            Assert.Equal("parameter.v0", TypeOf(resources[$"{database}-password"]!));
            Assert.True(AspireManifest.IsSecret(resources[$"{database}-password"]!), $"{database}-password is not a secret parameter.");
        });
        Assert.All(KubernetesManifests.Deployments, service => Assert.True(resources.ContainsKey(service), $"The manifest has no {service}."));
        Assert.All(KubernetesManifests.Deployments, service => Assert.DoesNotContain(AspireManifest.EnvironmentOf(resources, service),
            variable => variable.Value.Contains($"{{{ShopResources.Postgres}.connectionString}}", StringComparison.Ordinal)));

        // Nothing of this machine: no folder of its (the containers' own paths, such as /var/lib/postgresql, are theirs)...
        var texts = Texts(JsonNode.Parse(manifest)!).ToList();
        var local = new[] { Repository.Root, Path.GetTempPath(), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget" }
            .Select(folder => folder.TrimEnd('/', '\\')).Where(folder => folder.Length > 1).ToList();
        Assert.DoesNotContain(texts, text => local.Any(folder => text.Contains(folder, StringComparison.Ordinal)));
        // ...and no address of it.
        Assert.DoesNotContain(texts, text => text.Contains("127.0.0.1", StringComparison.Ordinal)
            || text.Contains("localhost", StringComparison.OrdinalIgnoreCase) || text.Contains("[::1]", StringComparison.Ordinal));

        foreach (var service in KubernetesManifests.Deployments)
        {
            var project = resources[service]!;
            Assert.DoesNotContain(Texts(project), text => Path.IsPathRooted(text) || WindowsPath().IsMatch(text));
            Assert.True(File.Exists(Path.Combine(Repository.Root, "deploy", project["path"]!.GetValue<string>())), $"{service}'s project path is not the repository's.");
            // One plain HTTP endpoint on the port of .NET's container images, and no host port of this machine's.
            var binding = Assert.Single(project["bindings"]!.AsObject());
            Assert.Equal(("http", "http", 8080, false), (binding.Key, binding.Value!["scheme"]!.GetValue<string>(),
                binding.Value["targetPort"]!.GetValue<int>(), binding.Value.AsObject().ContainsKey("port")));

            foreach (var (variable, value) in AspireManifest.EnvironmentOf(resources, service))
            {
                foreach (Match reference in Reference().Matches(value))
                {
                    var name = reference.Groups["resource"].Value;
                    Assert.True(resources.ContainsKey(name), $"{service}'s {variable} refers to {name}, which the manifest lacks.");
                    // A value a service is given from a parameter is asked for at deployment, never written here, and a
                    // secret one, but for the issuer's public address, which every browser sees.
                    if (TypeOf(resources[name]!) == "parameter.v0")
                    {
                        Assert.True(AspireManifest.IsSecret(resources[name]!) || name == ShopResources.IdentityIssuer, $"{name} is not a secret parameter.");
                        Assert.False(resources[name]!["inputs"]!["value"]!.AsObject().ContainsKey("value"), $"{name} is written in the manifest.");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task EveryServiceAndTheWebAppNameTheIssuerTheOperatorSetsAndNoBrowserClientButTheWebAppOrPasswordGrantIsPublished()
    {
        var resources = AspireManifest.ResourcesOf(await AspireManifest.PublishAsync());

        // Only the operator knows the public https host: the manifest asks for it, with nothing to fall back on.
        var issuer = resources[ShopResources.IdentityIssuer]!;
        Assert.Equal("parameter.v0", TypeOf(issuer));
        Assert.False(AspireManifest.IsSecret(issuer), "The issuer's address, which every browser sees, is kept as a secret.");
        Assert.Equal(["type"], issuer["inputs"]!["value"]!.AsObject().Select(input => input.Key));
        foreach (var service in KubernetesManifests.Deployments)
        {
            Assert.True(resources.ContainsKey(service), $"The manifest has no {service}.");
            var environment = AspireManifest.EnvironmentOf(resources, service);
            Assert.Equal($"{{{ShopResources.IdentityIssuer}.value}}", environment[AspireManifest.VariableOf(ShopIdentity.IssuerSetting)]);
            // The API reference's client is the developer's, registered where the AppHost runs the shop; the web app's is
            // the shop's own. The password grant is left to the service's own default, off outside Development.
            Assert.DoesNotContain(environment.Keys, variable => (variable.StartsWith("Identity__Applications__", StringComparison.Ordinal)
                    && !variable.StartsWith($"Identity__Applications__{ShopServices.Web}__", StringComparison.Ordinal))
                || variable == AspireManifest.VariableOf(ShopIdentity.PasswordGrantSetting));
        }

        // The web app proves itself to the issuer with a secret parameter, the one the users service knows it by.
        var webSecret = $"{{{ShopResources.WebClientSecret}.value}}";
        Assert.True(AspireManifest.IsSecret(resources[ShopResources.WebClientSecret]!), $"{ShopResources.WebClientSecret} is not a secret parameter.");
        Assert.Equal(webSecret, AspireManifest.EnvironmentOf(resources, ShopServices.Web)["Identity__ClientSecret"]);
        Assert.Equal(webSecret, AspireManifest.EnvironmentOf(resources, ShopServices.Users)[$"Identity__Applications__{ShopServices.Web}__Secret"]);
    }

    private static string TypeOf(JsonNode resource) => resource["type"]!.GetValue<string>();

    /// <summary>Every string in the manifest, names and values.</summary>
    private static IEnumerable<string> Texts(JsonNode node) => node switch
    {
        JsonObject entries => entries.SelectMany(entry => Texts(entry.Value!).Prepend(entry.Key)),
        JsonArray items => items.SelectMany(item => Texts(item!)),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => []
    };

    [GeneratedRegex(@"^[A-Za-z]:[\\/]")]
    private static partial Regex WindowsPath();

    [GeneratedRegex(@"\{(?<resource>[a-z0-9-]+)\.")]
    private static partial Regex Reference();
}
