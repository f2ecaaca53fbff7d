using k8s;
using k8s.Models;

namespace Shop.Tests.Infrastructure;

/// <summary>deploy/kubernetes, rendered as docs/operations.md says, read with the Kubernetes API's own models.</summary>
public static class KubernetesManifests
{
    public const string Overlay = "deploy/kubernetes/overlays/production";

    /// <summary>What every deployment of the shop starts from, and what an overlay without settings of its own gets.</summary>
    public const string Base = "deploy/kubernetes/base";

    /// <summary>What runs as a Deployment: the three services and the web app, which alone is reached from outside.</summary>
    public static readonly IReadOnlyList<string> Deployments = [.. ShopServices.All, ShopServices.Web];

    /// <summary>The project each Deployment's image is built from.</summary>
    public static readonly IReadOnlyDictionary<string, string> Projects = new Dictionary<string, string>
    {
        [ShopServices.Users] = "Shop.UserService",
        [ShopServices.Products] = "Shop.ProductService",
        [ShopServices.Orders] = "Shop.OrderService",
        [ShopServices.Web] = "Shop.Web"
    };

    /// <summary>The Secret the Deployments read their secrets from.</summary>
    public const string SecretName = "shop";

    /// <summary>The ConfigMap of the settings that are no secret, by the names of the AppHost's parameters.</summary>
    public const string SettingsName = "shop";

    /// <summary>
    /// The setting of the proxies an app believes about the client's address: for the web app the ingress controller's
    /// network, for the services the web app's.
    /// </summary>
    public const string TrustedProxiesVariable = "ForwardedHeaders__TrustedNetworks__0";

    /// <summary>The namespace the production overlay deploys to.</summary>
    public const string Namespace = "shop";

    /// <summary>Renders the production overlay (or <paramref name="directory"/>) with <c>kubectl kustomize</c>; skipped, saying so, where kubectl is missing.</summary>
    public static async Task<IReadOnlyList<object>> RenderAsync(string directory = Overlay) => KubernetesYaml.LoadAllFromString(await RenderTextAsync(directory));

    /// <summary>The production overlay (or <paramref name="directory"/>) as <c>kubectl kustomize</c> renders it, as text.</summary>
    public static async Task<string> RenderTextAsync(string directory = Overlay)
    {
        var kubectl = Shell.Find("kubectl");
        Assert.SkipWhen(kubectl is null, "Rendering deploy/kubernetes needs kubectl (its kustomize is built in), which this machine lacks.");
        var run = await Shell.RunAsync(kubectl!, ["kustomize", directory]);
        Assert.True(run.ExitCode == 0, $"kubectl kustomize {directory} failed:\n{run.Errors}");
        return run.Output;
    }

    /// <summary>The value a container is given for <paramref name="variable"/>: its own, or its ConfigMap's; null for a secret.</summary>
    public static string? ValueOf(this IReadOnlyList<object> rendered, V1EnvVar variable) =>
        variable.ValueFrom?.ConfigMapKeyRef is { } reference
            ? Assert.Single(rendered.OfType<V1ConfigMap>(), map => map.Metadata.Name == reference.Name).Data[reference.Key]
            : variable.Value;

    /// <summary>A setting of the ConfigMap <c>shop</c> (its name suffixed with Kustomize's hash of its content), by key.</summary>
    public static string SettingOf(this IReadOnlyList<object> rendered, string key) =>
        Assert.Single(rendered.OfType<V1ConfigMap>(), map => map.Metadata.Name == SettingsName || map.Metadata.Name.StartsWith(SettingsName + "-", StringComparison.Ordinal))
            .Data[key];

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
