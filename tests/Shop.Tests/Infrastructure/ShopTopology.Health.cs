namespace Shop.Tests.Infrastructure;

/// <summary>What the services say of their own health, and waiting until they are well.</summary>
public sealed partial class ShopTopology
{
    /// <summary>
    /// GET /health of the service <paramref name="client"/> calls: Healthy or Degraded, or null while it does not answer
    /// or is Unhealthy.
    /// </summary>
    public static async Task<string?> HealthOfAsync(HttpClient client)
    {
        try
        {
            var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until every replica of each of <paramref name="services"/> reports Healthy, which a service does once it
    /// has reached its database and its cache: after a fault, so that what comes next does not meet a replica still
    /// going without them.
    /// </summary>
    public Task EveryReplicaHealthyAsync(params string[] services) => Eventually.HoldsAsync(async () =>
    {
        foreach (var service in services)
        {
            var replicas = await ReplicasAsync(service);
            if (replicas.Count == 0)
            {
                return false;
            }

            foreach (var replica in replicas)
            {
                using var client = ClientOf(replica);
                if (await HealthOfAsync(client) != "Healthy")
                {
                    return false;
                }
            }
        }

        return true;
    }, $"A replica of {string.Join(" or ", services)} did not report Healthy.", StartTimeout);

    /// <summary>GET /health of a service, as text: Healthy, Degraded or Unhealthy.</summary>
    public async Task<string> HealthOfAsync(string resource)
    {
        using var client = _app.CreateHttpClient(resource);
        return await client.GetStringAsync("/health", TestContext.Current.CancellationToken);
    }
}
