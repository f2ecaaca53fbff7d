using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using Shop.Tests.Infrastructure.InProcess;
using Shop.UserService.Data;
using Shop.UserService.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.Tests.Service;

/// <summary>
/// The users service keeps a row for every token it issues and for every window of failed sign-ins; the pruning pass
/// (run hourly by one replica) removes those nobody needs any more and keeps the rest.
/// </summary>
public sealed class TokenPruningTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PruningRemovesExpiredTokenRowsAndEndedWindowsOfFailuresAndKeepsTheRest()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var users = new UsersServiceHost { Clock = clock };
        var user = await users.RegisterAsync(password: "a password to remember");
        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(user.Email, "a password to remember")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await users.RequestTokenAsync(user.Email, "a wrong password")).StatusCode);

        await using var scope = users.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        var issued = await tokens.CountAsync(Cancellation);
        Assert.True(issued >= 1, "Signing in stored no token row.");
        // Tokens issued two days ago, for 15 minutes: long expired, and older than a day's retention.
        var twoDaysAgo = DateTimeOffset.UtcNow.AddDays(-2);
        for (var old = 0; old < 3; old++)
        {
            await tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                CreationDate = twoDaysAgo,
                ExpirationDate = twoDaysAgo.AddMinutes(15),
                Status = Statuses.Valid,
                Subject = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Type = TokenTypeHints.AccessToken
            }, Cancellation);
        }

        Assert.Equal(issued + 3, await tokens.CountAsync(Cancellation));
        Assert.Equal(1, await db.SignInFailures.CountAsync(Cancellation));

        // The window of the failure has ended; the token issued today is still good.
        clock.Advance(TimeSpan.FromMinutes(16));
        await TokenPruning.PruneAsync(scope.ServiceProvider, Cancellation);

        Assert.Equal(issued, await tokens.CountAsync(Cancellation));
        Assert.Equal(0, await db.SignInFailures.CountAsync(Cancellation));
    }
}
