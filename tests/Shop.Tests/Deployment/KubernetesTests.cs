using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Deployment;

/// <summary>
/// deploy/kubernetes, rendered as docs/operations.md says (<c>kubectl kustomize deploy/kubernetes/overlays/production</c>) and
/// read with the Kubernetes API's own models: what a cluster would be given, checked without one.
/// </summary>
public sealed partial class KubernetesTests
{
    /// <summary>
    /// Variables a Deployment sets that the AppHost leaves to the platform, or, for the password grant, to the service's
    /// default, which the production overlay states.
    /// </summary>
    private static readonly string[] OwnVariables = ["OTEL_SERVICE_NAME", KubernetesManifests.TrustedProxiesVariable, AspireManifest.VariableOf(ShopIdentity.PasswordGrantSetting)];

    /// <summary>
    /// The web app's addresses at its public host, where the users service sends people back: the production overlay's,
    /// from its Ingress. Where the manifest gives them too, they must agree with it.
    /// </summary>
    private static readonly string[] PublicAddressVariables =
        ["Identity__Applications__web__RedirectUris__0", "Identity__Applications__web__PostLogoutRedirectUris__0"];

    [Fact]
    public async Task EachServiceAndTheWebAppHaveSeveralReplicasAServiceAndADisruptionBudget()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var deployment = rendered.DeploymentOf(service);
            // The autoscaler keeps at least two (EachServiceAndTheWebAppScaleWithTheirCpu).
            var autoscaler = Assert.Single(rendered.OfType<V2HorizontalPodAutoscaler>(), a => a.Metadata.Name == service);
            Assert.True(autoscaler.Spec.MinReplicas >= 2, $"{service} may scale down to {autoscaler.Spec.MinReplicas} replicas.");
            // A rolling deploy never has fewer ready replicas than asked for.
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
            var pods = deployment.Spec.Template.Metadata.Labels;
            Assert.True(Selects(deployment.Spec.Selector.MatchLabels, pods), $"{service}'s Deployment does not select its pods.");

            var kubernetesService = Assert.Single(rendered.OfType<V1Service>(), s => s.Metadata.Name == service);
            Assert.True(Selects(kubernetesService.Spec.Selector, pods), $"{service}'s Service does not select its pods.");
            var port = Assert.Single(kubernetesService.Spec.Ports);
            Assert.Equal((80, "http"), (port.Port, port.TargetPort.Value));
            Assert.Contains(deployment.ContainerOf().Ports, p => p.Name == "http" && p.ContainerPort == 8080);

            var budget = Assert.Single(rendered.OfType<V1PodDisruptionBudget>(), b => b.Metadata.Name == service);
            Assert.True(Selects(budget.Spec.Selector.MatchLabels, pods), $"{service}'s PodDisruptionBudget does not select its pods.");
            Assert.Equal("1", budget.Spec.MinAvailable.Value);
        }
    }

    /// <summary>
    /// Each scales with its CPU between bounds that let its disruption budget be kept while a node drains, and the
    /// Deployment leaves the count to the autoscaler, which an apply would otherwise reset. A rolling update starts a
    /// pod before it stops one, so capacity never falls below what runs, and the budget's one available pod stays.
    /// </summary>
    [Fact]
    public async Task EachServiceAndTheWebAppScaleWithTheirCpuAndRollWithoutGoingBelowTheirDisruptionBudget()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var deployment = rendered.DeploymentOf(service);
            var autoscaler = Assert.Single(rendered.OfType<V2HorizontalPodAutoscaler>(), a => a.Metadata.Name == service);
            Assert.Equal(("apps/v1", "Deployment", service),
                (autoscaler.Spec.ScaleTargetRef.ApiVersion, autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
            var cpu = Assert.Single(autoscaler.Spec.Metrics);
            Assert.Equal(("Resource", "cpu", "Utilization"), (cpu.Type, cpu.Resource.Name, cpu.Resource.Target.Type));
            Assert.InRange(cpu.Resource.Target.AverageUtilization!.Value, 50, 90);
            var budget = Assert.Single(rendered.OfType<V1PodDisruptionBudget>(), b => b.Metadata.Name == service);
            var minAvailable = int.Parse(budget.Spec.MinAvailable.Value, CultureInfo.InvariantCulture);
            Assert.True(autoscaler.Spec.MinReplicas > minAvailable,
                $"{service} may scale down to {autoscaler.Spec.MinReplicas}, which its budget of {minAvailable} available would not let a node drain.");
            Assert.True(autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas, $"{service} cannot scale out.");
            Assert.Null(deployment.Spec.Replicas);

            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.Equal(("0", "1"), (deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value, deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value));
        }
    }

    /// <summary>
    /// A stopped pod waits until it is out of its Service's endpoints, then drains on SIGTERM within the host's shutdown
    /// timeout (.NET's 30 s, which no service changes), all within the grace period before it is killed.
    /// </summary>
    [Fact]
    public async Task EachServiceAndTheWebAppStopTakingRequestsBeforeTheyDrainAndDrainWithinTheirGracePeriod()
    {
        var hostShutdownTimeout = new HostOptions().ShutdownTimeout;
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var pod = rendered.DeploymentOf(service).Spec.Template.Spec;
            var pause = TimeSpan.FromSeconds(Assert.IsType<V1SleepAction>(pod.Containers[0].Lifecycle.PreStop.Sleep).Seconds);
            Assert.InRange(pause, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));
            var grace = TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds!.Value);
            Assert.True(grace >= pause + hostShutdownTimeout + TimeSpan.FromSeconds(5),
                $"{service} is killed after {grace}, before a {pause} pause and a {hostShutdownTimeout} drain are over.");
        }
    }

    [Fact]
    public async Task EachServiceAndTheWebAppAreReadyOnHealthAliveOnAliveAndGivenTimeToMigrate()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var container = rendered.DeploymentOf(service).ContainerOf();
            Assert.Equal(("/health", "http"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
            Assert.Equal(("/alive", "http"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
            Assert.Equal(("/alive", "http"), (container.StartupProbe.HttpGet.Path, container.StartupProbe.HttpGet.Port.Value));
            // A service listens once its migrations are applied, and waits for a database it cannot reach yet.
            var startup = TimeSpan.FromSeconds(container.StartupProbe.PeriodSeconds!.Value * container.StartupProbe.FailureThreshold!.Value);
            Assert.True(startup >= TimeSpan.FromMinutes(5), $"{service} is given {startup} to start.");
        }
    }

    [Fact]
    public async Task EachServiceAndTheWebAppRunUnprivilegedOnAReadOnlyRootFilesystem()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var pod = rendered.DeploymentOf(service).Spec.Template.Spec;
            var container = rendered.DeploymentOf(service).ContainerOf();
            Assert.True(pod.SecurityContext.RunAsNonRoot, $"{service} may run as root.");
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.Equal((false, true), (container.SecurityContext.AllowPrivilegeEscalation, container.SecurityContext.ReadOnlyRootFilesystem));
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.False(pod.AutomountServiceAccountToken);
            // The runtime's temporary files go to a volume of the pod's own.
            var tmp = Assert.Single(container.VolumeMounts, mount => mount.MountPath == "/tmp");
            Assert.NotNull(Assert.Single(pod.Volumes, volume => volume.Name == tmp.Name).EmptyDir);
        }
    }

    [Fact]
    public async Task EachServiceRequestsAtLeastTheMemoryTheBenchmarkMeasuredAndTheWebAppAsMuch()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var peaks = MeasuredPeaks();
        foreach (var service in KubernetesManifests.Deployments)
        {
            var resources = rendered.DeploymentOf(service).ContainerOf().Resources;
            var requested = resources.Requests["memory"].ToDecimal();
            var limit = resources.Limits["memory"].ToDecimal();
            // The benchmark does not drive the web app: it is given what the hungriest service is measured at.
            var peak = peaks.GetValueOrDefault(service, peaks.Values.Max());
            Assert.True(requested >= peak, $"{service} requests {requested} bytes, below the measured peak of {peak}.");
            Assert.True(limit > requested, $"{service}'s memory limit, {limit} bytes, leaves no room above its request.");
            Assert.True(resources.Requests["cpu"].ToDecimal() > 0 && resources.Limits["cpu"].ToDecimal() >= resources.Requests["cpu"].ToDecimal(),
                $"{service}'s CPU request and limit are not set.");
        }
    }

    [Fact]
    public async Task SecretsReachTheServicesAndTheWebAppOnlyThroughSecretReferences()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        // The overlay makes no Secret: its values are the operator's (see docs/operations.md).
        Assert.Empty(rendered.OfType<V1Secret>());
        Assert.All(rendered.OfType<V1ConfigMap>().SelectMany(map => map.Data.Keys), key => Assert.DoesNotMatch(SecretVariable(), key));
        foreach (var service in KubernetesManifests.Deployments)
        {
            foreach (var variable in rendered.DeploymentOf(service).ContainerOf().Env)
            {
                if (SecretVariable().IsMatch(variable.Name))
                {
                    Assert.True(variable.Value is null && variable.ValueFrom?.SecretKeyRef?.Name == KubernetesManifests.SecretName,
                        $"{service}'s {variable.Name} does not come from the Secret '{KubernetesManifests.SecretName}'.");
                }
            }
        }
    }

    [Fact]
    public async Task TheWebAppReadsItsDatabaseAndItsClientSecretFromTheSecretAndFindsTheServicesByTheirNames()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var environment = rendered.DeploymentOf(ShopServices.Web).ContainerOf().Env.ToDictionary(variable => variable.Name);

        Assert.Equal(ShopResources.WebDatabase, environment[$"ConnectionStrings__{ShopResources.WebDatabase}"].ValueFrom.SecretKeyRef.Key);
        Assert.Equal(ShopResources.WebClientSecret, environment["Identity__ClientSecret"].ValueFrom.SecretKeyRef.Key);
        Assert.Equal("postgres", environment["Data__Provider"].Value);
        Assert.All(ShopServices.All, service => Assert.Equal($"http://{service}", environment[$"services__{service}__http__0"].Value));
    }

    [Fact]
    public async Task EachDeploymentGivesItsServiceOrTheWebAppWhatTheAppHostGivesIt()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var resources = AspireManifest.ResourcesOf(await AspireManifest.PublishAsync());
        foreach (var service in KubernetesManifests.Deployments)
        {
            Assert.True(resources.ContainsKey(service), $"The AppHost publishes no {service}.");
            var container = rendered.DeploymentOf(service).ContainerOf();
            var deployed = container.Env.ToDictionary(variable => variable.Name);
            var published = AspireManifest.EnvironmentOf(resources, service);

            Assert.Equal(published.Keys.Order(), deployed.Keys.Except(OwnVariables).Except(PublicAddressVariables.Except(published.Keys)).Order());
            foreach (var (name, value) in published)
            {
                var variable = deployed[name];
                if (!ManifestReference().IsMatch(value) && AnyReference().IsMatch(value))
                {
                    // An address made of a parameter and a path, such as the issuer's address and /signin-oidc: the same
                    // address, the parameter being the ConfigMap's value under its name.
                    var expected = AnyReference().Replace(value, parameter => parameter.Groups["property"].Value == "value"
                        && !AspireManifest.IsSecret(resources[parameter.Groups["resource"].Value]!)
                        ? rendered.SettingOf(parameter.Groups["resource"].Value)
                        : throw new InvalidOperationException($"{service}'s {name} is {value}: no rule says how Kubernetes gives {parameter.Value} inside a value."));
                    Assert.True(rendered.ValueOf(variable) == expected, $"{service}'s {name} is '{rendered.ValueOf(variable)}' in Kubernetes; the AppHost gives '{value}', '{expected}' here.");
                    continue;
                }

                var reference = ManifestReference().Match(value);
                var resource = reference.Groups["resource"].Value;
                var (expectedValue, expectedSecretKey, expectedSettingKey) = !reference.Success ? (value, null, null)
                    : reference.Groups["property"].Value switch
                    {
                        // A connection string or a secret parameter: the operator's, from the Secret, under the resource's name.
                        "connectionString" => ((string?)null, resource, (string?)null),
                        "value" when AspireManifest.IsSecret(resources[resource]!) => (null, resource, null),
                        // A parameter that is no secret: the deployment's, from the ConfigMap of settings, under its name.
                        "value" => (null, null, resource),
                        // Another service's address: its Kubernetes Service.
                        "bindings.http.url" => ($"http://{resource}", null, null),
                        "bindings.http.targetPort" => (container.Ports.Single(p => p.Name == "http").ContainerPort.ToString(CultureInfo.InvariantCulture), null, null),
                        var other => throw new InvalidOperationException($"{service}'s {name} is {value}: no rule says how Kubernetes gives {other}.")
                    };
                Assert.True(variable.Value == expectedValue && variable.ValueFrom?.SecretKeyRef?.Key == expectedSecretKey
                    && variable.ValueFrom?.ConfigMapKeyRef?.Key == expectedSettingKey,
                    $"{service}'s {name} is '{variable.Value}' (secret key '{variable.ValueFrom?.SecretKeyRef?.Key}', setting '{variable.ValueFrom?.ConfigMapKeyRef?.Key}') " +
                    $"in Kubernetes; the AppHost gives '{value}'.");
                if (expectedSettingKey is not null)
                {
                    Assert.False(string.IsNullOrEmpty(rendered.ValueOf(variable)), $"{service}'s {name} is given no value.");
                }
            }

            foreach (var address in published.Values.Select(v => ManifestReference().Match(v)).Where(m => m.Groups["property"].Value == "bindings.http.url"))
            {
                Assert.Contains(rendered.OfType<V1Service>(), s => s.Metadata.Name == address.Groups["resource"].Value);
            }
        }
    }

    [Fact]
    public async Task EachDeploymentRunsTheImageItsProjectBuilds()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        foreach (var (service, project) in KubernetesManifests.Projects)
        {
            var repository = XDocument.Load(Path.Combine(Repository.Root, "src", project, $"{project}.csproj"))
                .Descendants("ContainerRepository").Single().Value;
            var image = rendered.DeploymentOf(service).ContainerOf().Image;
            var (name, tag) = (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]);
            Assert.True(name.EndsWith('/' + repository, StringComparison.Ordinal), $"{service} runs {image}, not the image of {project} ({repository}).");
            Assert.NotEqual("latest", tag);
        }
    }

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value);

    /// <summary>Each service's peak resident memory under load, in bytes, from the benchmark's figures in bench/README.md.</summary>
    private static Dictionary<string, decimal> MeasuredPeaks()
    {
        var row = File.ReadLines(Path.Combine(Repository.Root, "bench", "README.md")).Single(line => line.StartsWith("| Each service's peak RSS", StringComparison.Ordinal));
        var peaks = MemoryFigure().Matches(row).ToDictionary(m => m.Groups["service"].Value,
            m => decimal.Parse(m.Groups["mebibytes"].Value, CultureInfo.InvariantCulture) * 1024 * 1024);
        Assert.True(ShopServices.All.All(peaks.ContainsKey), $"The memory figures of bench/README.md name not every service: {row}");
        return peaks;
    }

    /// <summary>A variable that names a password, a secret or a connection string; the password grant's switch is no secret.</summary>
    [GeneratedRegex(@"password(?!grant)|secret|connectionstrings", RegexOptions.IgnoreCase)]
    private static partial Regex SecretVariable();

    [GeneratedRegex(@"^\{(?<resource>[a-z0-9-]+)\.(?<property>[a-zA-Z.]+)\}$")]
    private static partial Regex ManifestReference();

    [GeneratedRegex(@"\{(?<resource>[a-z0-9-]+)\.(?<property>[a-zA-Z.]+)\}")]
    private static partial Regex AnyReference();

    [GeneratedRegex(@"(?<service>users|products|orders) (?<mebibytes>[0-9.]+) MiB")]
    private static partial Regex MemoryFigure();
}
