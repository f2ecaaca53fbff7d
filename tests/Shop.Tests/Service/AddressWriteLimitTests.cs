using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Writes without a token count per address against <c>RateLimits:WritesPerAddressPerMinute</c>, apart from each
/// person's <c>RateLimits:WritesPerMinute</c>: where one address stands for many clients, it can be given more without
/// giving any one person more. On a clock that only the test moves.
/// </summary>
public sealed class AddressWriteLimitTests
{
    private const int PerPerson = 3;
    private const int PerAddress = 6;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAddressAndAPersonEachMeetTheirOwnWriteLimit()
    {
        await using var users = new UsersServiceHost(settings:
        [
            ("RateLimits:WritesPerMinute", PerPerson.ToString(CultureInfo.InvariantCulture)),
            ("RateLimits:WritesPerAddressPerMinute", PerAddress.ToString(CultureInfo.InvariantCulture))
        ])
        {
            Clock = new FakeTimeProvider(DateTimeOffset.UtcNow)
        };
        var person = await users.RegisterAsync();
        using var signedIn = users.As(Caller.Customer(person.Id));
        using var anonymous = users.As(Caller.Anonymous);

        var renames = new List<HttpStatusCode>();
        for (var write = 0; write <= PerPerson; write++)
        {
            using var rename = await signedIn.PutAsJsonAsync($"/users/{person.Id}", new { name = $"Writer {write}", email = person.Email, age = person.Age }, Cancellation);
            renames.Add(rename.StatusCode);
        }

        // The registration above was the address's first write.
        var registrations = new List<HttpStatusCode>();
        for (var write = 1; write <= PerAddress; write++)
        {
            using var registration = await anonymous.PostAsJsonAsync("/users",
                new { name = "Sam", email = $"{Guid.NewGuid():N}@example.com", age = 30, password = "a password to remember" }, Cancellation);
            registrations.Add(registration.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, PerPerson), HttpStatusCode.TooManyRequests], renames);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, PerAddress - 1), HttpStatusCode.TooManyRequests], registrations);
    }
}
