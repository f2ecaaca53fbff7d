using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;
using Shop.UserService.Model;
using UsersFactory = Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Shop.UserService.Data.UsersDbContext>;

namespace Shop.Tests.Service;

/// <summary>
/// What an attacker meets at the sign-in and registration doors: limits that hold back guessing without letting anyone
/// keep an account locked, answers that do not tell whether an account exists, and a token endpoint that refuses
/// before it does any work. Each test runs a users service of its own on a clock that only the test moves, and sends
/// each request from the client address it names.
/// </summary>
public sealed class SignInLimitTests : IAsyncDisposable
{
    private const string Password = "the owner's password";
    private const string Attacker = "203.0.113.7";
    private const string Owner = "198.51.100.20";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<IAsyncDisposable> _hosts = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFloodOfWrongPasswordsFromOneAddressDoesNotKeepTheOwnerOutFromAnother()
    {
        var users = Users();
        var email = await RegisterAsync(users);
        using var attacker = From(users, Attacker);

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            answers.Add((await attacker.RequestTokenAsync(email, $"guess {attempt}")).StatusCode);
        }

        // Five failures a window per account and address; then that address waits, whatever it sends.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15)], answers);
        var refused = await attacker.RequestTokenAsync(email, Password);
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        using var owner = From(users, Owner);
        Assert.Equal(HttpStatusCode.OK, (await owner.RequestTokenAsync(email, Password)).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(HttpStatusCode.BadRequest, (await attacker.RequestTokenAsync(email, "a guess after the window")).StatusCode);
    }

    /// <summary>
    /// A spray from many addresses, each under its own limit, meets the account's ceiling: then only an address with no
    /// failure for the account reaches the password check, so the owner still signs in and the spray slows down.
    /// </summary>
    [Fact]
    public async Task PastTheAccountCeilingOnlyAnAddressWithoutFailuresForTheAccountGetsItsPasswordChecked()
    {
        var users = Users(("RateLimits:SignInFailuresPerAccountAndAddress", "3"), ("RateLimits:SignInFailuresPerAccount", "6"));
        var email = await RegisterAsync(users);
        var spray = new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" }.Select(address => From(users, address)).ToList();
        foreach (var client in spray)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.RequestTokenAsync(email, "guess one")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.RequestTokenAsync(email, "guess two")).StatusCode);
        }

        // Each sprayer is under its own limit (3), but the account has met its ceiling (6): even the right password waits.
        var held = await spray[0].RequestTokenAsync(email, Password);
        await held.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(held.Headers.RetryAfter?.Delta);
        using var fresh = From(users, "203.0.113.9");
        Assert.Equal(HttpStatusCode.BadRequest, (await fresh.RequestTokenAsync(email, "a guess from a clean address")).StatusCode);
        using var owner = From(users, Owner);
        Assert.Equal(HttpStatusCode.OK, (await owner.RequestTokenAsync(email, Password)).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(HttpStatusCode.OK, (await spray[0].RequestTokenAsync(email, Password)).StatusCode);
        spray.ForEach(client => client.Dispose());
    }

    /// <summary>
    /// An email without an account is answered as a wrong password is, under the same limits, after the same work: one
    /// password hash checked per attempt (against the hash of a random password), counted by a hasher that wraps the
    /// service's own. Time itself is not compared: a busy machine would make that a coin toss.
    /// </summary>
    [Fact]
    public async Task AnUnknownEmailIsAnsweredAsAWrongPasswordIsUnderTheSameLimitsAfterTheSameWork()
    {
        var hasher = new CountingHasher();
        var users = Users().WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IPasswordHasher<User>>(hasher)));
        using var anonymous = users.CreateClient();
        var email = (await anonymous.RegisterAsync("Uma", 40, Password)).Email;

        var known = await AttemptsAsync(users, email, "198.51.100.1");
        var unknown = await AttemptsAsync(users, $"nobody-{Guid.NewGuid():N}@example.com", "198.51.100.2");

        Assert.Equal(known.Answers, unknown.Answers);
        Assert.Equal([.. Enumerable.Repeat("400 invalid_grant The email or password is wrong.", 5), "429 Too many failed sign-ins."], known.Answers);
        Assert.Equal((5, 5), (known.PasswordChecks, unknown.PasswordChecks));

        async Task<(List<string> Answers, int PasswordChecks)> AttemptsAsync(UsersFactory users, string username, string address)
        {
            using var client = From(users, address);
            var checksBefore = hasher.Verifications;
            var answers = new List<string>();
            for (var attempt = 0; attempt < 6; attempt++)
            {
                var response = await client.RequestTokenAsync(username, $"guess {attempt}");
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement;
                answers.Add(response.StatusCode == HttpStatusCode.TooManyRequests
                    ? $"429 {body.GetProperty("title").GetString()}"
                    : $"{(int)response.StatusCode} {body.GetProperty("error").GetString()} {body.GetProperty("error_description").GetString()}");
            }

            return (answers, hasher.Verifications - checksBefore);
        }
    }

    /// <summary>The limit per address is taken before OpenIddict checks a client's secret: a wrong secret uses the budget as a wrong password does.</summary>
    [Fact]
    public async Task AHundredWrongClientSecretsFromOneAddressMeetTheAddressLimit()
    {
        var users = Users(("RateLimits:SignInsPerAddressPerMinute", "60"));
        using var attacker = From(users, Attacker);

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            answers.Add((await attacker.RequestServiceTokenAsync($"wrong secret {attempt}", ShopScopes.UsersRead)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 60), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 40)], answers);
        var refused = await attacker.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead);
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        using var elsewhere = From(users, Owner);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.RequestServiceTokenAsync(UsersServiceHost.OrdersClientSecret, ShopScopes.UsersRead)).StatusCode);
    }

    /// <summary>
    /// The body says it is 1 MB, and its sender sends 64 KB and then nothing more: a service that read it whole would
    /// never answer, so an answer at all shows it was refused without being read.
    /// </summary>
    [Fact]
    public async Task AOneMegabyteTokenRequestIsRefusedWithA413BeforeItIsRead()
    {
        var users = Users();
        using var client = From(users, Attacker);
        using var content = new StalledContent(declaredLength: 1024 * 1024, sentBytes: 64 * 1024);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var response = await client.PostAsync(ShopIdentity.TokenPath, content, Cancellation).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("8192 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Registration tells whether an email is taken (409), as a person who mistyped needs; the shop has no mail to tell
    /// the owner instead. What limits a probe is the number of registrations an address may make an hour.
    /// </summary>
    [Fact]
    public async Task RegistrationTellsATakenEmailButOnlyAFewTimesAnHourPerAddress()
    {
        var users = Users(("RateLimits:RegistrationsPerAddressPerHour", "3"));
        using var prober = From(users, Attacker);
        var email = $"{Guid.NewGuid():N}@example.com";

        var answers = new List<HttpStatusCode>();
        foreach (var candidate in new[] { email, email, $"{Guid.NewGuid():N}@example.com", $"{Guid.NewGuid():N}@example.com" })
        {
            answers.Add((await prober.PostAsJsonAsync("/users", new { name = "Pat", email = candidate, age = 30, password = Password }, Cancellation)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], answers);
        using var someoneElse = From(users, Owner);
        Assert.Equal(HttpStatusCode.Created,
            (await someoneElse.PostAsJsonAsync("/users", new { name = "Sam", email = $"{Guid.NewGuid():N}@example.com", age = 30, password = Password }, Cancellation)).StatusCode);

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.Created,
            (await prober.PostAsJsonAsync("/users", new { name = "Pat", email = $"{Guid.NewGuid():N}@example.com", age = 30, password = Password }, Cancellation)).StatusCode);
    }

    private UsersServiceHost Users(params (string Key, string Value)[] settings)
    {
        var host = new UsersServiceHost(withCache: false, settings) { Clock = _clock };
        _hosts.Add(host);
        return host;
    }

    private static async Task<string> RegisterAsync(UsersServiceHost users)
    {
        using var anonymous = users.As(Caller.Anonymous);
        return (await anonymous.RegisterAsync("Owen", 40, Password)).Email;
    }

    /// <summary>A client whose requests reach the service from <paramref name="address"/>.</summary>
    internal static HttpClient From(UsersFactory users, string address) =>
        new(users.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = users.Server.BaseAddress
        };

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The service's password hasher, counting how many hashes it checks.</summary>
    private sealed class CountingHasher : IPasswordHasher<User>
    {
        private readonly PasswordHasher<User> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(User user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>A form body that declares <c>declaredLength</c> bytes, sends <c>sentBytes</c> of them, then waits for ever.</summary>
    private sealed class StalledContent(long declaredLength, int sentBytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var start = "grant_type=password&username=a%40example.com&password="u8.ToArray();
            await stream.WriteAsync(start);
            await stream.WriteAsync(Enumerable.Repeat((byte)'x', sentBytes - start.Length).ToArray());
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite, Cancellation);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = declaredLength;
            return true;
        }
    }
}
