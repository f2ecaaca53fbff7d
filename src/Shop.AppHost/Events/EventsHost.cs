namespace Shop.AppHost.Events;

/// <summary>Where the services' integration events travel.</summary>
internal enum EventsHost
{
    /// <summary>The RabbitMQ container of Aspire.Hosting.RabbitMQ; needs a container runtime.</summary>
    Container,

    /// <summary>The RabbitMQ server installed from the distribution's package, as a local process.</summary>
    RabbitMqServer,

    /// <summary>No broker: the services deliver the events to each other over signed HTTP.</summary>
    Http
}

internal sealed record EventsHostChoice(EventsHost Host, string Reason, LocalRabbitMqInstallation? Installation = null);

internal static class EventsHostSelector
{
    public const string SettingName = "Events:Host";

    /// <summary>
    /// Honours the <c>Events:Host</c> setting, or with <c>auto</c> picks the first this machine can run: a container when
    /// a runtime answers, the installed RabbitMQ server, else the services' own HTTP delivery.
    /// </summary>
    public static EventsHostChoice Choose(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Detect(),
        "container" => new(EventsHost.Container, $"{SettingName} is 'container'"),
        "rabbitmq-server" => new(EventsHost.RabbitMqServer, $"{SettingName} is 'rabbitmq-server'",
            LocalRabbitMqInstallation.Find() ?? throw new InvalidOperationException(
                $"{SettingName} is 'rabbitmq-server', but {LocalRabbitMqInstallation.NotInstalled}")),
        "http" => new(EventsHost.Http, $"{SettingName} is 'http'"),
        _ => throw new InvalidOperationException(
            $"{SettingName} is '{setting}'; use one of auto, container, rabbitmq-server or http.")
    };

    private static EventsHostChoice Detect()
    {
        if (MachineProbe.ContainerRuntime is { } runtime)
        {
            return new(EventsHost.Container, $"the container runtime '{runtime}' answers");
        }

        if (LocalRabbitMqInstallation.Find() is { } installation)
        {
            return new(EventsHost.RabbitMqServer, $"no container runtime answers and {installation.Server} is installed", installation);
        }

        return new(EventsHost.Http, $"no container runtime answers and {LocalRabbitMqInstallation.NotInstalled}");
    }
}
