using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.AppHost.Postgres;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Deployment;

/// <summary>
/// The three services started as the production overlay's Deployments start them, on this machine: in Production, with
/// exactly the Deployments' variables and nothing else but the registration of the browser application people sign in
/// to, which a deployment adds for its own, the Secret's values pointing at a PostgreSQL server without the databases
/// and a cache of the test's own, and each Service's name at the port its service listens on here. What a cluster adds
/// (images, pods, DNS, the Ingress) is left out; what the manifests tell the services is not.
/// </summary>
[Collection(ProductionRunCollection.Name)]
public sealed partial class ProductionRunTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The browser application people sign in to; its redirect URI is never followed, only read.</summary>
    private const string Storefront = "storefront";

    private static readonly Uri StorefrontSignedIn = new("https://storefront.test/signed-in");

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
            [ShopResources.AdminEmail] = "admin@production.test",
            [ShopResources.AdminPassword] = Guid.NewGuid().ToString("N"),
            [ShopResources.OrdersClientSecret] = Guid.NewGuid().ToString("N")
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
            Assert.Equal("unsupported_grant_type", (await passwordGrant.ReadAsync<JsonElement>(HttpStatusCode.BadRequest)).GetProperty("error").GetString());

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

        // The storefront, registered as a deployment registers its browser applications (the overlay registers none).
        if (service == ShopServices.Users)
        {
            start.Environment[$"Identity__Applications__{Storefront}__RedirectUris__0"] = StorefrontSignedIn.AbsoluteUri;
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
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{usersPort}")
        };
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var authorization = QueryHelpers.AddQueryString(ShopIdentity.AuthorizationPath, new Dictionary<string, string?>
        {
            ["client_id"] = Storefront,
            ["response_type"] = "code",
            ["redirect_uri"] = StorefrontSignedIn.AbsoluteUri,
            ["scope"] = "openid",
            ["state"] = "production",
            ["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256"
        });

        var signInPage = await RedirectOfAsync(await browser.GetAsync(authorization, Cancellation));
        var form = await browser.GetStringAsync(signInPage, Cancellation);
        var signedIn = await browser.PostAsync(signInPage, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups["token"].Value
        }), Cancellation);
        var back = await RedirectOfAsync(await browser.GetAsync(await RedirectOfAsync(signedIn), Cancellation));

        Assert.Equal(StorefrontSignedIn.AbsoluteUri, back.GetLeftPart(UriPartial.Path));
        var tokens = await browser.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = Storefront,
            ["code"] = QueryHelpers.ParseQuery(back.Query)["code"].ToString(),
            ["code_verifier"] = verifier,
            ["redirect_uri"] = StorefrontSignedIn.AbsoluteUri
        }), Cancellation);
        return (await tokens.ReadAsync<JsonElement>(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
    }

    private static async Task<Uri> RedirectOfAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is not null,
            $"Expected a redirect from {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        return new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

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
