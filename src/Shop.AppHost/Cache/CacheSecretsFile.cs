using System.Text;
using System.Text.Json;

namespace Shop.AppHost.Cache;

/// <summary>
/// The cache server's password in a settings file readable by this user alone: redis-server's configuration
/// format or Garnet's JSON, each read once at start. One file at a time; it is removed once the server is ready.
/// </summary>
internal sealed class CacheSecretsFile(string directory, string name)
{
    private string? _path;

    /// <summary>Writes a new file with <paramref name="password"/> for <paramref name="host"/>, and answers its path.</summary>
    public string Write(CacheHost host, string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        Remove();
        var path = Path.Combine(directory, $"{name}-{Guid.NewGuid():N}.conf");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            file.Write(host == CacheHost.RedisServer
                ? $"requirepass \"{password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n"
                : JsonSerializer.Serialize(new Dictionary<string, string> { ["AuthenticationMode"] = "Password", ["Password"] = password }));
        }

        _path = path;
        return path;
    }

    public void Remove()
    {
        if (Interlocked.Exchange(ref _path, null) is { } path)
        {
            File.Delete(path);
        }
    }
}
