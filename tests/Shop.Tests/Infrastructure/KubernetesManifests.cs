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

    /// <summary>The setting of the proxies a service believes about the client's address: the ingress controller's network.</summary>
    public const string TrustedProxiesVariable = "ForwardedHeaders__TrustedNetworks__0";

    /// <summary>The namespace the production overlay deploys to.</summary>
    public const string Namespace = "shop";

    /// <summary>Renders the production overlay with <c>kubectl kustomize</c>; skipped, saying so, where kubectl is missing.</summary>
    public static async Task<IReadOnlyList<object>> RenderAsync() => KubernetesYaml.LoadAllFromString(await RenderTextAsync());

    /// <summary>The production overlay as <c>kubectl kustomize</c> renders it, as text.</summary>
    public static async Task<string> RenderTextAsync()
    {
        var kubectl = Shell.Find("kubectl");
        Assert.SkipWhen(kubectl is null, "Rendering deploy/kubernetes needs kubectl (its kustomize is built in), which this machine lacks.");
        var run = await Shell.RunAsync(kubectl!, ["kustomize", Overlay]);
        Assert.True(run.ExitCode == 0, $"kubectl kustomize {Overlay} failed:\n{run.Errors}");
        return run.Output;
    }

    /// <summary>A pod of the service's Deployment, with its labels and named ports, as network policies see it.</summary>
    public static PolicyPeer PodOf(this IReadOnlyList<object> rendered, string service)
    {
        var deployment = rendered.DeploymentOf(service);
        return new(deployment.Metadata.NamespaceProperty, deployment.Spec.Template.Metadata.Labels.AsReadOnly(),
            deployment.ContainerOf().Ports.ToDictionary(port => port.Name, port => port.ContainerPort));
    }

    public static V1Deployment DeploymentOf(this IReadOnlyList<object> rendered, string service) =>
        Assert.Single(rendered.OfType<V1Deployment>(), d => d.Metadata.Name == service);

    public static V1Container ContainerOf(this V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);
}
