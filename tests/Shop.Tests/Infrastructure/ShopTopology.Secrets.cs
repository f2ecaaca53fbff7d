using System.Globalization;
using StackExchange.Redis;

namespace Shop.Tests.Infrastructure;

/// <summary>The topology's secrets, and where a process could show them.</summary>
public sealed partial class ShopTopology
{
    /// <summary>The secrets of this topology: the admin's password, the orders service's client secret, the database's password when there is one, and the cache's password.</summary>
    public async Task<IReadOnlyList<string>> SecretsAsync()
    {
        var cache = ConfigurationOptions.Parse(await _app.GetConnectionStringAsync(ShopResources.Cache)
            ?? throw new InvalidOperationException("The cache has no connection string."));
        return [.. _givenSecrets, cache.Password ?? throw new InvalidOperationException("The cache has no password.")];
    }

    /// <summary>The command lines of a resource's process and of the processes it started, as `ps` shows them to every user.</summary>
    public async Task<IReadOnlyList<string>> CommandLinesOfAsync(string resource)
    {
        var pid = int.Parse(await ProcessIdOfAsync(resource), CultureInfo.InvariantCulture);
        var lines = new List<string>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var process))
        {
            try
            {
                lines.Add((await File.ReadAllTextAsync($"/proc/{process}/cmdline", TestContext.Current.CancellationToken)).Replace('\0', ' '));
                foreach (var task in Directory.EnumerateDirectories($"/proc/{process}/task"))
                {
                    foreach (var child in (await File.ReadAllTextAsync(Path.Combine(task, "children"), TestContext.Current.CancellationToken))
                        .Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        pending.Enqueue(int.Parse(child, CultureInfo.InvariantCulture));
                    }
                }
            }
            catch (IOException)
            {
                // A worker that ended while it was read, as PostgreSQL's come and go; it shows nothing any more.
            }
        }

        return lines;
    }
}
