using System.Text.Json.Nodes;

namespace Shop.Tests.Infrastructure;

/// <summary>The AppHost's publish manifest, published as docs/operations.md's "Deploying" says, and the copy in the repository.</summary>
public static class AspireManifest
{
    /// <summary>The manifest the repository holds, which deploy/kubernetes follows.</summary>
    public static string CommittedPath { get; } = Path.Combine(Repository.Root, "deploy", "aspire-manifest.json");

    /// <summary>
    /// Runs the publish command of docs/operations.md (<c>dotnet run --project src/Shop.AppHost -- --publisher manifest
    /// --output-path ...</c>, on the AppHost the tests built) with more AppHost <paramref name="settings"/>, and answers
    /// what it wrote. It writes beside the committed manifest, so that the projects' relative paths are the same.
    /// </summary>
    public static async Task<string> PublishAsync(IReadOnlyDictionary<string, string?>? environment = null, params string[] settings)
    {
        var output = Path.Combine(Repository.Root, "deploy", $"aspire-manifest.{Guid.NewGuid():N}.json");
        try
        {
            var run = await Shell.RunAsync(Shell.Dotnet,
            [
                "run", "--no-build", "--configuration", Repository.BuildConfiguration, "--project", Path.Combine("src", "Shop.AppHost"), "--",
                "--publisher", "manifest", "--output-path", output, .. settings
            ], environment: environment);
            Assert.True(run.ExitCode == 0 && File.Exists(output), $"Publishing the manifest failed ({run.ExitCode}):\n{run.All}");
            return await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>The resources of a manifest, by name.</summary>
    public static JsonObject ResourcesOf(string manifest) => JsonNode.Parse(manifest)!["resources"]!.AsObject();

    /// <summary>The variable a setting reaches a service by: <c>Identity:Issuer</c> as <c>Identity__Issuer</c>.</summary>
    public static string VariableOf(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Whether a parameter of the manifest is a secret one.</summary>
    public static bool IsSecret(JsonNode parameter) => parameter["inputs"]!["value"]!["secret"]?.GetValue<bool>() ?? false;

    /// <summary>The environment a resource of the manifest gets, by variable.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(JsonObject resources, string resource) =>
        resources[resource]!["env"]!.AsObject().ToDictionary(variable => variable.Key, variable => variable.Value!.GetValue<string>());
}
