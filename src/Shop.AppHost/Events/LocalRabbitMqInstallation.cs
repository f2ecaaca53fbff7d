namespace Shop.AppHost.Events;

/// <summary>The RabbitMQ server that Debian's (or Ubuntu's) <c>rabbitmq-server</c> package installs, and its account.</summary>
internal sealed record LocalRabbitMqInstallation(string Server)
{
    /// <summary>The account the package creates, which the broker runs as when the AppHost runs as root.</summary>
    public const string ServiceAccount = "rabbitmq";

    private const string Root = "/usr/lib/rabbitmq/lib";

    public const string NotInstalled =
        $"RabbitMQ is not installed (looked for {Root}/rabbitmq_server-*/sbin/rabbitmq-server and the '{ServiceAccount}' account): " +
        "install it, e.g. 'sudo apt-get install rabbitmq-server' on Debian or Ubuntu.";

    /// <summary>
    /// The newest installed server's own start script: not /usr/sbin/rabbitmq-server, a wrapper that switches account
    /// with su and sends the output to /var/log, where the resource's console would not show it.
    /// </summary>
    public static LocalRabbitMqInstallation? Find()
    {
        if (!Directory.Exists(Root) || LocalBrokerNode.HomeOf(ServiceAccount) is null)
        {
            return null;
        }

        return Directory.EnumerateDirectories(Root, "rabbitmq_server-*")
            .Select(directory => (Directory: directory, Version: Version.TryParse(Path.GetFileName(directory)["rabbitmq_server-".Length..], out var version) ? version : null))
            .Where(found => found.Version is not null && File.Exists(Path.Combine(found.Directory, "sbin", "rabbitmq-server")))
            .OrderByDescending(found => found.Version)
            .Select(found => new LocalRabbitMqInstallation(Path.Combine(found.Directory, "sbin", "rabbitmq-server")))
            .FirstOrDefault();
    }
}
