using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Shop.AppHost.Postgres;
using Shop.ServiceDefaults.Security;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Deployment;

/// <summary>
/// The edge of deploy/kubernetes, as the production overlay renders it: who may reach whom, the one way in from outside
/// (HTTPS, with HSTS, to the web app alone, which trusts the ingress controller for the client's address as the services
/// trust the web app), signing in there (the issuer at the Ingress's host, the web app registered with its addresses
/// there, the password grant off), and a database role of its own for each service and the web app.
/// </summary>
public sealed partial class KubernetesEdgeTests
{
    private const int HttpPort = 8080;

    private static readonly PolicyPeer IngressController = new("ingress-nginx",
        new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ingress-nginx" }, new Dictionary<string, int>());

    private static readonly PolicyPeer OtherPodOfTheCluster = PolicyPeer.Pod("default", "someone-else");

    private static readonly PolicyPeer Dns = new("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, new Dictionary<string, int>());

    /// <summary>
    /// Which services the web app and each service call, as the AppHost wires them (the web app forwards to all three, and
    /// products fetches the signing keys from users).
    /// </summary>
    private static readonly Dictionary<string, string[]> Calls = new()
    {
        [ShopServices.Web] = [.. ShopServices.All],
        [ShopServices.Users] = [],
        [ShopServices.Products] = [ShopServices.Users],
        [ShopServices.Orders] = [ShopServices.Users, ShopServices.Products]
    };

    [Fact]
    public async Task EveryPodOfTheShopIsDeniedEverythingThatNoPolicyAllows()
    {
        var rendered = await KubernetesManifests.RenderAsync();

        var deny = Assert.Single(rendered.OfType<V1NetworkPolicy>(), policy => policy.Spec.PodSelector.MatchLabels is null or { Count: 0 }
            && policy.Spec.PodSelector.MatchExpressions is null or { Count: 0 } && policy.Spec.Ingress is null && policy.Spec.Egress is null);
        Assert.Equal(["Egress", "Ingress"], deny.Spec.PolicyTypes.Order());
        Assert.All(rendered.OfType<V1NetworkPolicy>(), policy => Assert.Equal(KubernetesManifests.Namespace, policy.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task TheIngressControllerReachesTheWebAppAloneAndOnlyTheWebAppAndTheServicesThatCallThemReachTheServices()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var policies = new NetworkPolicies([.. rendered.OfType<V1NetworkPolicy>()]);
        var job = PolicyPeer.Pod(KubernetesManifests.Namespace, "database-roles");

        var web = rendered.PodOf(ShopServices.Web);
        Assert.True(policies.Allow(IngressController, web, HttpPort), "The ingress controller cannot reach the web app.");
        Assert.False(policies.Allow(IngressController, web, 9090), "The ingress controller reaches the web app on a port it does not serve.");
        foreach (var service in KubernetesManifests.Deployments)
        {
            var pod = rendered.PodOf(service);
            Assert.True(service == ShopServices.Web == policies.Allow(IngressController, pod, HttpPort),
                $"The ingress controller {(service == ShopServices.Web ? "cannot reach" : "reaches")} {service}.");
            Assert.False(policies.Allow(OtherPodOfTheCluster, pod, HttpPort), $"A pod of another namespace reaches {service}.");
            Assert.False(policies.Allow(job, pod, HttpPort), $"The database-roles Job reaches {service}.");
            foreach (var caller in KubernetesManifests.Deployments)
            {
                Assert.True(Calls[caller].Contains(service) == policies.Allow(rendered.PodOf(caller), pod, HttpPort),
                    $"{caller} {(Calls[caller].Contains(service) ? "cannot reach" : "reaches")} {service}.");
            }
        }
    }

    [Fact]
    public async Task ThePodsReachDnsTheDatabaseTheCacheAndTheCollectorOnTheirPortsAndNothingElseOutside()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var policies = new NetworkPolicies([.. rendered.OfType<V1NetworkPolicy>()]);
        var cacheUsers = new[] { ShopServices.Users, ShopServices.Orders };

        foreach (var service in KubernetesManifests.Deployments)
        {
            var pod = rendered.PodOf(service);
            Assert.True(policies.Allow(pod, Dns, 53, "UDP") && policies.Allow(pod, Dns, 53), $"{service} cannot look names up.");
            Assert.True(policies.Allow(pod, PolicyPeer.Outside, 5432), $"{service} cannot reach PostgreSQL.");
            Assert.True(cacheUsers.Contains(service) == policies.Allow(pod, PolicyPeer.Outside, 6379),
                $"{service} {(cacheUsers.Contains(service) ? "cannot reach" : "reaches")} the cache.");
            Assert.True(policies.Allow(pod, PolicyPeer.Outside, 4317), $"{service} cannot export its telemetry.");
            Assert.False(policies.Allow(pod, PolicyPeer.Outside, 443), $"{service} reaches the internet.");
            Assert.False(policies.Allow(pod, OtherPodOfTheCluster, HttpPort), $"{service} reaches a pod of another namespace.");
        }

        var job = PolicyPeer.Pod(KubernetesManifests.Namespace, "database-roles");
        Assert.True(policies.Allow(job, PolicyPeer.Outside, 5432) && policies.Allow(job, Dns, 53, "UDP"), "The database-roles Job cannot reach PostgreSQL.");
        Assert.False(policies.Allow(job, PolicyPeer.Outside, 6379), "The database-roles Job reaches the cache.");
    }

    [Fact]
    public async Task TheIngressSendsEveryPathOverHttpsToTheWebAppAlone()
    {
        var rendered = await KubernetesManifests.RenderAsync();

        var ingress = Assert.Single(rendered.OfType<V1Ingress>());
        var tls = Assert.Single(ingress.Spec.Tls);
        Assert.False(string.IsNullOrEmpty(tls.SecretName));
        Assert.All(ingress.Spec.Rules, rule => Assert.Contains(rule.Host, tls.Hosts));
        Assert.Equal("true", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"]);
        Assert.Null(ingress.Spec.DefaultBackend);

        var backends = ingress.Spec.Rules.SelectMany(rule => rule.Http.Paths).Select(path => path.Backend.Service).ToList();
        Assert.NotEmpty(backends);
        Assert.All(backends, backend => Assert.Equal((ShopServices.Web, "http"), (backend.Name, backend.Port.Name)));
        // The pages, the public APIs, the issuer's sign-in, and what the web app does not forward (it answers 404 for them).
        string[] paths =
        [
            "/", "/products/1", "/basket", "/api/orders/5", ShopIdentity.AuthorizationPath, ShopIdentity.TokenPath, ShopIdentity.EndSessionPath,
            "/account/signin", "/.well-known/openid-configuration", "/signin-oidc", "/users", "/reservations/1", "/signing-keys"
        ];
        Assert.All(paths, path => Assert.Equal(ShopServices.Web, RouteOf(ingress, path)));
    }

    [Fact]
    public async Task NoServiceOfTheShopIsReachableFromOutsideButThroughTheWebApp()
    {
        foreach (var directory in new[] { KubernetesManifests.Overlay, KubernetesManifests.Base })
        {
            var rendered = await KubernetesManifests.RenderAsync(directory);

            Assert.All(rendered.OfType<V1Service>(), service => Assert.True(service.Spec.Type is null or "ClusterIP",
                $"{directory}: the Service {service.Metadata.Name} is of type {service.Spec.Type}, reachable from outside the cluster."));
            Assert.DoesNotContain(rendered.OfType<V1Ingress>().SelectMany(ingress => ingress.Spec.Rules.SelectMany(rule => rule.Http.Paths)),
                path => path.Backend.Service.Name != ShopServices.Web);
            Assert.All(rendered.OfType<V1Deployment>().SelectMany(deployment => deployment.Spec.Template.Spec.Containers).SelectMany(container => container.Ports ?? []),
                port => Assert.Null(port.HostPort));
        }
    }

    [Fact]
    public async Task EveryServiceAndTheWebAppNameTheIngressHttpsHostAsTheIssuer()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var ingress = Assert.Single(rendered.OfType<V1Ingress>());
        var host = Assert.Single(ingress.Spec.Rules).Host;
        Assert.Contains(host, Assert.Single(ingress.Spec.Tls).Hosts);

        foreach (var service in KubernetesManifests.Deployments)
        {
            var issuer = rendered.ValueOf(Assert.Single(rendered.DeploymentOf(service).ContainerOf().Env,
                variable => variable.Name == AspireManifest.VariableOf(ShopIdentity.IssuerSetting)));

            Assert.Equal($"https://{host}/", issuer);
            // As the service reads it: the address its tokens name, unchanged.
            Assert.Equal(issuer, IssuerAddress.Get(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [ShopIdentity.IssuerSetting] = issuer }).Build()).AbsoluteUri);
        }
    }

    [Fact]
    public async Task NoOneSignsInWithThePasswordGrantInProduction()
    {
        var rendered = await KubernetesManifests.RenderAsync();

        foreach (var service in KubernetesManifests.Deployments)
        {
            var container = rendered.DeploymentOf(service).ContainerOf();
            var passwordGrant = container.Env.Where(variable => variable.Name == AspireManifest.VariableOf(ShopIdentity.PasswordGrantSetting))
                .Select(variable => rendered.ValueOf(variable));
            // The users service, which grants tokens, is told so; the others have no grant to turn off.
            Assert.Equal(service == ShopServices.Users ? ["false"] : [], passwordGrant);
            AssertProductionOnly(service, container);
        }
    }

    [Fact]
    public async Task TheUsersServiceSendsPeopleBackOnlyToTheWebAppAtTheIngressHost()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var host = Assert.Single(Assert.Single(rendered.OfType<V1Ingress>()).Spec.Rules).Host;
        var users = rendered.DeploymentOf(ShopServices.Users).ContainerOf().Env;

        var registration = users.Where(variable => variable.Name.StartsWith("Identity__Applications__", StringComparison.Ordinal))
            .ToDictionary(variable => variable.Name["Identity__Applications__".Length..]);
        Assert.Equal(["web__PostLogoutRedirectUris__0", "web__RedirectUris__0", "web__Secret"], registration.Keys.Order());
        Assert.Equal($"https://{host}/signin-oidc", rendered.ValueOf(registration["web__RedirectUris__0"]));
        Assert.Equal($"https://{host}/signout-callback-oidc", rendered.ValueOf(registration["web__PostLogoutRedirectUris__0"]));
        // The secret the web app proves itself with, from the Secret, never written here.
        var secret = registration["web__Secret"].ValueFrom.SecretKeyRef;
        var websOwn = Assert.Single(rendered.DeploymentOf(ShopServices.Web).ContainerOf().Env, variable => variable.Name == "Identity__ClientSecret").ValueFrom.SecretKeyRef;
        Assert.Equal((KubernetesManifests.SecretName, ShopResources.WebClientSecret), (secret.Name, secret.Key));
        Assert.Equal((secret.Name, secret.Key), (websOwn.Name, websOwn.Key));
    }

    [Fact]
    public async Task TheBaseTurnsOnNothingThatProductionMustNotHave()
    {
        var rendered = await KubernetesManifests.RenderAsync(KubernetesManifests.Base);

        Assert.Empty(rendered.OfType<V1Ingress>());
        foreach (var service in KubernetesManifests.Deployments)
        {
            var container = rendered.DeploymentOf(service).ContainerOf();
            AssertProductionOnly(service, container);
            // No public address, so no browser app to send people back to: the users service would refuse one without it.
            Assert.DoesNotContain(container.Env, variable => variable.Name.StartsWith("Identity__Applications__", StringComparison.Ordinal));
            Assert.DoesNotContain(container.Env, variable => variable.Name == AspireManifest.VariableOf(ShopIdentity.PasswordGrantSetting)
                && !string.Equals(rendered.ValueOf(variable), "false", StringComparison.OrdinalIgnoreCase));
            // Without a public host the tokens name the users service's name inside the cluster, which no one outside can claim.
            Assert.Equal(ShopIdentity.Issuer, rendered.ValueOf(Assert.Single(container.Env,
                variable => variable.Name == AspireManifest.VariableOf(ShopIdentity.IssuerSetting))));
        }
    }

    /// <summary>
    /// The service runs in Production, where the password grant and the API reference are off by default, with no
    /// browser client registered but the web app (the API reference's is the developer's) and no variables from elsewhere.
    /// </summary>
    private static void AssertProductionOnly(string service, V1Container container)
    {
        Assert.True(container.EnvFrom is null or { Count: 0 }, $"{service} takes variables from elsewhere.");
        Assert.DoesNotContain(container.Env, variable => variable.Name is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT"
            || (variable.Name.StartsWith("Identity__Applications__", StringComparison.Ordinal)
                && !variable.Name.StartsWith($"Identity__Applications__{ShopServices.Web}__", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The service a request for <paramref name="path"/> reaches through the Ingress, as Kubernetes matches its paths: an
    /// Exact path whole, a Prefix path by whole segments, the longest match first; null when none matches.
    /// </summary>
    private static string? RouteOf(V1Ingress ingress, string path) =>
        ingress.Spec.Rules.SelectMany(rule => rule.Http.Paths)
            .Where(route => route.PathType == "Exact" ? route.Path == path : Segments(route.Path).SequenceEqual(Segments(path).Take(Segments(route.Path).Length)))
            .OrderByDescending(route => route.Path.TrimEnd('/').Length).ThenBy(route => route.PathType == "Exact" ? 0 : 1)
            .FirstOrDefault()?.Backend.Service.Name;

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task TheWebAppAndEachServiceTrustOneNetworkOfProxiesForTheClientsAddressAndNoneBelievesEveryPeer()
    {
        var text = await KubernetesManifests.RenderTextAsync();
        var rendered = await KubernetesManifests.RenderAsync();

        // The web app believes the ingress controller, and the services the web app, which passes the client's address on
        // (one proxy each: ForwardedHeaders__ForwardLimit is left at 1).
        foreach (var service in KubernetesManifests.Deployments)
        {
            var trusted = Assert.Single(rendered.DeploymentOf(service).ContainerOf().Env, variable => variable.Name.StartsWith("ForwardedHeaders__", StringComparison.Ordinal));
            Assert.Equal(KubernetesManifests.TrustedProxiesVariable, trusted.Name);
            // A network, never everyone: the app would otherwise believe any client's X-Forwarded-For.
            Assert.True(IPNetwork.TryParse(trusted.Value, out var network) && network.PrefixLength > 0, $"{service} trusts '{trusted.Value}'.");
        }

        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", await File.ReadAllTextAsync(AspireManifest.CommittedPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", await AspireManifest.PublishAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDatabaseRolesJobGivesEachServiceAndTheWebAppARoleThatOwnsItsDatabaseAlone()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        var job = Assert.Single(rendered.OfType<V1Job>());
        var pod = job.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var sql = ScriptOf(rendered, job);
        // Every password the script reads comes from the Secret, none is written in it or on the command line.
        Assert.DoesNotMatch(LiteralPassword(), sql);
        foreach (var variable in GetEnv().Matches(sql).Select(match => match.Groups["variable"].Value).Append("PGPASSWORD"))
        {
            Assert.Equal(KubernetesManifests.SecretName, Assert.Single(container.Env, env => env.Name == variable).ValueFrom?.SecretKeyRef?.Name);
        }

        Assert.DoesNotContain(container.Command.Concat(container.Args ?? []), argument => argument.Contains('$', StringComparison.Ordinal));
        Assert.True(pod.SecurityContext.RunAsNonRoot);

        // psql as the Job runs it: beside the server's programs, or wherever the client package put it.
        var installation = LocalPostgresInstallation.Find();
        var psql = installation is null ? null
            : new[] { Path.Combine(installation.BinDirectory, "psql") }.FirstOrDefault(File.Exists) ?? Shell.Find("psql");
        Assert.SkipWhen(psql is null, "Running the roles script needs PostgreSQL and psql installed, which this machine lacks.");
        await using var server = await StandalonePostgres.StartAsync();
        var passwords = KubernetesManifests.Deployments.ToDictionary(service => service, _ => $"{Guid.NewGuid():N}'\"");
        // Twice: it must be safe to run again.
        for (var run = 0; run < 2; run++)
        {
            var applied = await Shell.RunAsync(psql!, ["--no-psqlrc", "--quiet"], input: sql, environment: AdminEnvironment(server, passwords));
            Assert.True(applied.ExitCode == 0, $"The roles script failed on run {run + 1}:\n{applied.All}");
        }

        foreach (var service in KubernetesManifests.Deployments)
        {
            await using (var own = await OpenAsync(server, DatabaseOf(service), passwords[service], DatabaseOf(service)))
            {
                await using var create = new NpgsqlCommand("CREATE TABLE owned (id int)", own);
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            foreach (var other in KubernetesManifests.Deployments.Where(other => other != service))
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(server, DatabaseOf(service), passwords[service], DatabaseOf(other)));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            }
        }
    }

    /// <summary>The script the Job runs: the ConfigMap mounted where its command reads the file.</summary>
    private static string ScriptOf(IReadOnlyList<object> rendered, V1Job job)
    {
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        var file = Assert.Single(container.Command, argument => argument.StartsWith("--file=", StringComparison.Ordinal))["--file=".Length..];
        var mount = Assert.Single(container.VolumeMounts, mount => file.StartsWith(mount.MountPath + "/", StringComparison.Ordinal));
        var volume = Assert.Single(job.Spec.Template.Spec.Volumes, volume => volume.Name == mount.Name);
        var configMap = Assert.Single(rendered.OfType<V1ConfigMap>(), map => map.Metadata.Name == volume.ConfigMap.Name);
        return configMap.Data[file[(mount.MountPath.Length + 1)..]];
    }

    /// <summary>The Deployments' connection strings name each database, and its role, after the service (usersdb for users, webdb for web).</summary>
    private static string DatabaseOf(string service) => service + "db";

    private static Dictionary<string, string?> AdminEnvironment(StandalonePostgres server, Dictionary<string, string> passwords)
    {
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        return new()
        {
            ["PGHOST"] = admin.Host,
            ["PGPORT"] = admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = admin.Username,
            ["PGPASSWORD"] = admin.Password,
            ["PGDATABASE"] = "postgres",
            ["USERS_PASSWORD"] = passwords[ShopServices.Users],
            ["PRODUCTS_PASSWORD"] = passwords[ShopServices.Products],
            ["ORDERS_PASSWORD"] = passwords[ShopServices.Orders],
            ["WEB_PASSWORD"] = passwords[ShopServices.Web]
        };
    }

    private static Task<NpgsqlConnection> OpenAsync(StandalonePostgres server, string role, string password, string database) =>
        PostgresConnections.OpenUnpooledAsync(new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Username = role,
            Password = password,
            Database = database
        }.ConnectionString);

    [GeneratedRegex(@"PASSWORD\s+'", RegexOptions.IgnoreCase)]
    private static partial Regex LiteralPassword();

    [GeneratedRegex(@"\\getenv\s+\w+\s+(?<variable>\w+)")]
    private static partial Regex GetEnv();
}
