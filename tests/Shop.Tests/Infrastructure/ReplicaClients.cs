namespace Shop.Tests.Infrastructure;

/// <summary>Clients of each replica of a service, taken in turn: request <c>i</c> goes to replica <c>i</c> mod their count.</summary>
public sealed class ReplicaClients(IReadOnlyList<HttpClient> clients) : IDisposable
{
    public HttpClient this[int request] => clients[request % clients.Count];

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
