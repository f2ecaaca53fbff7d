using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The write limit of a person, with two replicas of every service: one count, shared through the cache, whichever
/// replicas the writes reach; while the cache is down, each replica counts alone to the same limit, never lifting it.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class ReplicaLimitTests(ReplicaLimitsFixture fixture) : IClassFixture<ReplicaLimitsFixture>
{
    private const int Limit = ReplicaLimitsFixture.WritesPerMinute;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>
    /// One test rather than two: the second half stops the cache, and a test after it would meet replicas that still go
    /// without the cache for their retry interval.
    /// </summary>
    [Fact]
    public async Task WritesOfOnePersonMeetOneLimitAcrossReplicasAndEachReplicasOwnWhileTheCacheIsDown()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Users, shop.As(Caller.Customer(user.Id)).AccessToken);
        await shop.EveryReplicaHealthyAsync(ShopServices.Users);
        await LimitWindow.StartWellInsideAsync();

        var answers = new List<HttpStatusCode>();
        for (var write = 0; write <= Limit; write++)
        {
            answers.Add((await RenameAsync(clients[write], user, write)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), HttpStatusCode.TooManyRequests], answers);
        var refused = await RenameAsync(clients[Limit + 1], user, Limit + 1);
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        // The refused writes changed nothing.
        Assert.Equal($"Writer {Limit - 1}", (await shop.As(Caller.Customer(user.Id)).Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);

        await shop.StopResourceAsync(ShopResources.Cache);
        try
        {
            var other = await shop.CreateCustomerAsync();
            using var otherClients = await shop.ReplicaClientsAsync(ShopServices.Users, shop.As(Caller.Customer(other.Id)).AccessToken);

            var alone = new List<HttpStatusCode>();
            for (var write = 0; write < ReplicaTopologyFixture.Replicas * Limit; write++)
            {
                alone.Add((await RenameAsync(otherClients[write], other, write)).StatusCode);
            }

            // Each replica let through the limit, and no more.
            Assert.All(alone, status => Assert.Equal(HttpStatusCode.OK, status));
            for (var replica = 0; replica < ReplicaTopologyFixture.Replicas; replica++)
            {
                var refusedAlone = await RenameAsync(otherClients[replica], other, -1);
                await refusedAlone.ReadProblemAsync(HttpStatusCode.TooManyRequests);
                Assert.NotNull(refusedAlone.Headers.RetryAfter?.Delta);
            }
        }
        finally
        {
            await shop.StartResourceAsync(ShopResources.Cache);
            await shop.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders);
        }
    }

    private static Task<HttpResponseMessage> RenameAsync(HttpClient client, UserDto user, int write) =>
        client.PutAsJsonAsync($"/users/{user.Id}", new { name = $"Writer {write}", email = user.Email, age = user.Age }, Cancellation);
}
