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
        await shop.EveryReplicaHealthyAsync(ShopServices.Users);

        var shared = await LimitWindow.WithinOneMinuteAsync(async () =>
        {
            var user = await shop.CreateCustomerAsync();
            using var clients = await shop.ReplicaClientsAsync(ShopServices.Users, shop.As(Caller.Customer(user.Id)).AccessToken);
            var answers = new List<HttpResponseMessage>();
            for (var write = 0; write <= Limit + 1; write++)
            {
                answers.Add(await RenameAsync(clients[write], user, write));
            }

            return (User: user, Answers: answers);
        });

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            shared.Answers.Select(answer => answer.StatusCode));
        await shared.Answers[^1].ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(shared.Answers[^1].Headers.RetryAfter?.Delta);
        // The refused writes changed nothing.
        Assert.Equal($"Writer {Limit - 1}",
            (await shop.As(Caller.Customer(shared.User.Id)).Users.GetAsync<UserDto>($"/users/{shared.User.Id}")).Name);

        await shop.StopResourceAsync(ShopResources.Cache);
        try
        {
            const int AloneLimit = ReplicaTopologyFixture.Replicas * Limit;
            var alone = await LimitWindow.WithinOneMinuteAsync(async () =>
            {
                var other = await shop.CreateCustomerAsync();
                using var otherClients = await shop.ReplicaClientsAsync(ShopServices.Users, shop.As(Caller.Customer(other.Id)).AccessToken);
                var answers = new List<HttpResponseMessage>();
                for (var write = 0; write < AloneLimit; write++)
                {
                    answers.Add(await RenameAsync(otherClients[write], other, write));
                }

                for (var replica = 0; replica < ReplicaTopologyFixture.Replicas; replica++)
                {
                    answers.Add(await RenameAsync(otherClients[replica], other, -1));
                }

                return answers;
            });

            // Each replica let through the limit, and no more.
            Assert.All(alone[..AloneLimit], answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
            foreach (var refusedAlone in alone[AloneLimit..])
            {
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
