using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using k8s.Models;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.AppHost.Postgres;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Deployment;

/// <summary>
/// The three services started as the production overlay's Deployments start them, on this machine: in Production, with
/// exactly the Deployments' variables (the web app's registration at the users service among them) and nothing else
/// but the registration of the browser application the test signs in with, the Secret's values pointing at a
/// PostgreSQL server without the databases and a cache of the test's own, and each Service's name at the port its
/// service listens on here. What a cluster adds (images, pods, DNS, the Ingress) is left out; what the manifests tell
/// the services is not.
/// </summary>
[Collection(ProductionRunCollection.Name)]
public sealed class ProductionRunTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDeploymentsRunTheShopInProductionFromTheirOwnSettings()
    {
        var rendered = await KubernetesManifests.RenderAsync();
        Assert.SkipWhen(LocalPostgresInstallation.Find() is null, "This needs an installed PostgreSQL, which this machine lacks.");
        await using var database = await StandalonePostgres.StartAsync();
        using var cache = new InProcessCache();
        var secret = new Dictionary<string, string>
        {
            [ShopResources.UsersDatabase] = $"{database.ConnectionString};Database={ShopResources.UsersDatabase}",
            [ShopResources.ProductsDatabase] = $"{database.ConnectionString};Database={ShopResources.ProductsDatabase}",
            [ShopResources.OrdersDatabase] = $"{database.ConnectionString};Database={ShopResources.OrdersDatabase}",
            [ShopResources.Cache] = cache.ConnectionString,
            // A broker that is away: the services start and serve without it, their outboxes keeping the events.
            [ShopResources.Events] = $"amqp://guest:{Guid.NewGuid():N}@127.0.0.1:{LoopbackPort.Free()}",
            [ShopResources.AdminEmail] = "admin@production.test",
            [ShopResources.AdminPassword] = Guid.NewGuid().ToString("N"),
            [ShopResources.OrdersClientSecret] = Guid.NewGuid().ToString("N"),
            [ShopResources.WebClientSecret] = Guid.NewGuid().ToString("N")
        };
        var ports = ShopServices.All.ToDictionary(service => service, _ => LoopbackPort.Free());

        var services = ShopServices.All.Select(service => Start(service, rendered, secret, ports)).ToList();
        try
        {
            foreach (var service in ShopServices.All)
            {
                using var client = Client(ports[service]);
                await Eventually.HoldsAsync(async () => await ShopTopology.HealthOfAsync(client) is not null, $"{service} did not turn healthy.", StartTimeout);
            }

            // No one signs in with the password grant; people sign in in their browser.
            using var users = Client(ports[ShopServices.Users]);
            var passwordGrant = await users.RequestTokenAsync(secret[ShopResources.AdminEmail], secret[ShopResources.AdminPassword]);
            Assert.Equal("unsupported_grant_type", await passwordGrant.ReadOAuthErrorAsync());

            // The administrator of the Secret adds a product; a customer registers, signs in and orders it.
            var admin = await SignInThroughTheBrowserAsync(ports[ShopServices.Users], secret[ShopResources.AdminEmail], secret[ShopResources.AdminPassword]);
            // Tokens name the Ingress's host, which no service here can reach: they fetch the keys from the users service.
            var ingressHost = Assert.Single(rendered.OfType<V1Ingress>()).Spec.Rules.Single().Host;
            Assert.Equal($"https://{ingressHost}/", new JsonWebToken(admin).Issuer);
            using var products = Client(ports[ShopServices.Products], admin);
            var product = await products.CreateProductAsync("Kettle", 20m, "EUR", 5);
            var customer = await users.RegisterAsync("Erin", 40, "a password to remember");
            using var orders = Client(ports[ShopServices.Orders], await SignInThroughTheBrowserAsync(ports[ShopServices.Users], customer.Email, "a password to remember"));
            var order = await (await orders.PostAsJsonAsync("/orders", new { lines = new[] { new { productId = product.Id, quantity = 2 } } }, Cancellation))
                .ReadAsync<OrderDto>(HttpStatusCode.Created);

            Assert.Equal(("Confirmed", "Erin"), (order.Status, order.User?.Name));
            Assert.Equal(3, (await products.GetAsync<ProductDto>($"/products/{product.Id}")).Stock);
        }
        finally
        {
            foreach (var (process, _) in services)
            {
                process.Kill();
                await process.WaitForExitAsync(Cancellation);
                process.Dispose();
            }

            // What the services wrote, for a failure to be read by.
            TestContext.Current.TestOutputHelper?.WriteLine(Output(services));
        }
    }

    /// <summary>
    /// Starts <paramref name="service"/>'s built assembly with the container's variables only, in Production (the
    /// Deployment sets no environment); the Secret's keys become their values, the ConfigMap's keys theirs, the Services'
    /// names local addresses.
    /// </summary>
    private static (Process Process, StringBuilder Output) Start(
        string service, IReadOnlyList<object> rendered, IReadOnlyDictionary<string, string> secret, IReadOnlyDictionary<string, int> ports)
    {
        var container = rendered.DeploymentOf(service).ContainerOf();
        var project = KubernetesManifests.Projects[service];
        var output = Repository.OutputOf(project);
        var start = new ProcessStartInfo(Shell.Dotnet, [Path.Combine(output, project + ".dll")])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Path.GetTempPath();
        foreach (var variable in container.Env)
        {
            start.Environment[variable.Name] = variable.ValueFrom?.SecretKeyRef is { } reference
                ? secret[reference.Key]
                : ports.FirstOrDefault(p => variable.Value == $"http://{p.Key}") is { Key: not null } address
                    ? $"http://127.0.0.1:{address.Value}"
                    : rendered.ValueOf(variable);
        }

        // The test's browser applications, registered beside the web app the overlay registers.
        if (service == ShopServices.Users)
        {
            foreach (var (setting, value) in BrowserApp.Registrations)
            {
                start.Environment[AspireManifest.VariableOf(setting)] = value;
            }
        }

        // The pod's port is 8080 in every pod; here the three share one machine.
        Assert.Equal("8080", start.Environment["HTTP_PORTS"]);
        start.Environment["HTTP_PORTS"] = ports[service].ToString(CultureInfo.InvariantCulture);

        var log = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, log);

        void Append(string? line)
        {
            lock (log)
            {
                log.AppendLine(CultureInfo.InvariantCulture, $"{service}: {line}");
            }
        }
    }

    /// <summary>
    /// Signs a person in as their browser does, the storefront's authorization request with PKCE taking them to the
    /// issuer's sign-in page, and redeems the code as the storefront does; answers the access token.
    /// </summary>
    private static async Task<string> SignInThroughTheBrowserAsync(int usersPort, string email, string password)
    {
        var users = new Uri($"http://127.0.0.1:{usersPort}");
        using var browser = BrowserSession.Over(users);
        using var storefront = ShopTopology.ClientOf(users);
        return (await BrowserApp.Storefront.SignInForTokensAsync(browser, storefront, email, password)).AccessToken;
    }

    private static HttpClient Client(int port, string? accessToken = null) => ShopTopology.ClientOf(new Uri($"http://127.0.0.1:{port}"), accessToken);

    private static string Output(IEnumerable<(Process Process, StringBuilder Output)> services) =>
        string.Join("", services.Select(s =>
        {
            lock (s.Output)
            {
                return s.Output.ToString();
            }
        }));
}

/// <summary>
/// The production run starts alone, after the tests that run at once: beside the whole suite its users service has
/// been seen not to finish starting within two minutes, its last words a migration on the test's PostgreSQL server,
/// while the cache the test hosts in this process went unanswered; alone, on a machine as busy, it starts in seconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProductionRunCollection
{
    public const string Name = "Production run, alone";
}
