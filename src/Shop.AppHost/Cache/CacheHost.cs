namespace Shop.AppHost.Cache;

/// <summary>Where the Redis-compatible cache runs.</summary>
internal enum CacheHost
{
    /// <summary>The Redis container of Aspire.Hosting.Redis; needs a container runtime.</summary>
    Container,

    /// <summary>The redis-server binary found on PATH, as a local process.</summary>
    RedisServer,

    /// <summary>Microsoft Garnet from NuGet, as a local process; needs only the .NET SDK.</summary>
    Garnet
}

internal sealed record CacheHostChoice(CacheHost Host, string Reason);

internal static class CacheHostSelector
{
    public const string SettingName = "Cache:Host";

    /// <summary>Honours the <c>Cache:Host</c> setting, or with <c>auto</c> picks the first host this machine can run.</summary>
    public static CacheHostChoice Choose(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Detect(),
        "container" => new(CacheHost.Container, $"{SettingName} is 'container'"),
        "redis-server" => new(CacheHost.RedisServer, $"{SettingName} is 'redis-server'"),
        "garnet" => new(CacheHost.Garnet, $"{SettingName} is 'garnet'"),
        _ => throw new InvalidOperationException(
            $"{SettingName} is '{setting}'; use one of auto, container, redis-server or garnet.")
    };

    private static CacheHostChoice Detect()
    {
        if (MachineProbe.ContainerRuntime is { } runtime)
        {
            return new(CacheHost.Container, $"the container runtime '{runtime}' answers");
        }

        if (MachineProbe.FindOnPath("redis-server") is { } redisServer)
        {
            return new(CacheHost.RedisServer, $"no container runtime answers and {redisServer} exists");
        }

        return new(CacheHost.Garnet, "no container runtime answers and redis-server is not on PATH");
    }
}
