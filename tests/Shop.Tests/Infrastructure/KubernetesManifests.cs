using k8s;
using k8s.Models;

namespace Shop.Tests.Infrastructure;

/// <summary>deploy/kubernetes, rendered as docs/operations.md says, read with the Kubernetes API's own models.</summary>
public static class KubernetesManifests
{
    public const string Overlay = "deploy/kubernetes/overlays/production";

    /// <summary>The project each service's image is built from.</summary>
    public static readonly IReadOnlyDictionary<string, string> Projects = new Dictionary<string, string>
    {
        [ShopServices.Users] = "Shop.UserService",
        [ShopServices.Products] = "Shop.ProductService",
        [ShopServices.Orders] = "Shop.OrderService"
    };

    /// <summary>The Secret the Deployments read their secrets from.</summary>
    public const string SecretName = "shop";

    /// <summary>Renders the production overlay with <c>kubectl kustomize</c>; skipped, saying so, where kubectl is missing.</summary>
    public static async Task<IReadOnlyList<object>> RenderAsync()
    {
        var kubectl = Shell.Find("kubectl");
        Assert.SkipWhen(kubectl is null, "Rendering deploy/kubernetes needs kubectl (its kustomize is built in), which this machine lacks.");
        var run = await Shell.RunAsync(kubectl!, ["kustomize", Overlay]);
        Assert.True(run.ExitCode == 0, $"kubectl kustomize {Overlay} failed:\n{run.Errors}");
        return KubernetesYaml.LoadAllFromString(run.Output);
    }

    public static V1Deployment DeploymentOf(this IReadOnlyList<object> rendered, string service) =>
        Assert.Single(rendered.OfType<V1Deployment>(), d => d.Metadata.Name == service);

    public static V1Container ContainerOf(this V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);
}
