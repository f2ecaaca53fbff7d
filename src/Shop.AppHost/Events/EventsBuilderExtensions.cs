using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost.Events;

internal static class EventsBuilderExtensions
{
    /// <summary>epmd's NAMES_REQ: its length in two bytes, then 'n'.</summary>
    private static readonly byte[] NamesRequest = [0, 1, (byte)'n'];

    /// <summary>The name of the local broker's port mapper resource (epmd), shown under the broker.</summary>
    public static string PortMapperName(string broker) => $"{broker}-epmd";

    /// <summary>
    /// Adds what carries the services' integration events, as <see cref="EventsHostSelector"/> picks: a RabbitMQ broker
    /// (Aspire's container, or the installed server as a local process), or nothing but a secret that signs the services'
    /// HTTP deliveries. When the AppHost publishes, Aspire's RabbitMQ container, whatever this machine has: a published
    /// manifest is the same wherever it is made.
    /// </summary>
    public static ShopEvents AddEvents(this IDistributedApplicationBuilder builder)
    {
        var name = ShopResources.Events;
        if (builder.ExecutionContext.IsPublishMode)
        {
            // Aspire names a volume after the AppHost's path; a published one is named the same everywhere.
            return new(EventsHost.Container, builder.AddRabbitMQ(name).WithDataVolume($"shop-{name}-data"), null);
        }

        var choice = EventsHostSelector.Choose(builder.Configuration[EventsHostSelector.SettingName]);
        var node = choice.Host == EventsHost.RabbitMqServer ? LocalBrokerNode.For(builder.GetDataDirectory()) : null;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(EventsBuilderExtensions).Namespace!)
                .LogInformation("The {Resource} resource runs on {EventsHost}, because {Reason}{Node}",
                    name, choice.Host, choice.Reason, node is null ? "" : $"; its node {node.Name} keeps its data in {node.Directory}");
            return Task.CompletedTask;
        });

        return choice.Host switch
        {
            // The queues, and the events in them, outlive the container.
            EventsHost.Container => new(choice.Host, builder.AddRabbitMQ(name).WithDataVolume().WithoutDeveloperCertificate(), null),
            EventsHost.RabbitMqServer => new(choice.Host, builder.AddLocalBroker(name, choice.Installation!, node!), null),
            _ => new(choice.Host, null, builder.AddGeneratedSecret(ShopResources.EventsDeliverySecret))
        };
    }

    /// <summary>
    /// Gives the service the events' transport, and the AppHost's <c>Events</c> settings but the choice of its host: the
    /// broker's connection string, or, without a broker, the delivery secret and the services it delivers its events to
    /// (<paramref name="subscribers"/>, which it then needs to find). It does not wait for the broker: a service starts
    /// and stays up while the broker is away, and its outbox keeps the events meanwhile.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEvents(
        this IResourceBuilder<ProjectResource> service, ShopEvents events, params IResourceBuilder<ProjectResource>[] subscribers)
    {
        service.WithSettingsFrom(service.ApplicationBuilder.Configuration, "Events", except: EventsHostSelector.SettingName);
        if (events.Broker is { } broker)
        {
            return service
                .WithReference(broker)
                .WithEnvironment(Variable(EventTransports.Setting), EventTransports.RabbitMq);
        }

        service
            .WithEnvironment(Variable(EventTransports.Setting), EventTransports.Http)
            .WithEnvironment(Variable(EventTransports.HttpSecretSetting), events.DeliverySecret!);
        for (var i = 0; i < subscribers.Length; i++)
        {
            service.WithEnvironment(Variable($"{EventTransports.HttpSubscribersSetting}:{i}"), subscribers[i].Resource.Name);
            if (!service.Resource.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Any(relationship => relationship.Resource == subscribers[i].Resource && relationship.Type == "Reference"))
            {
                service.WithReference(subscribers[i]);
            }
        }

        return service;
    }

    /// <summary>
    /// The installed RabbitMQ server as a local process on the shop's own node (<see cref="LocalBrokerNode"/>), with its
    /// own port mapper. The password is the same generated, persisted secret that AddRabbitMQ would create, so both
    /// hosts share one setting; it reaches the node in its settings file, never on a command line.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddLocalBroker(
        this IDistributedApplicationBuilder builder, string name, LocalRabbitMqInstallation installation, LocalBrokerNode node)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var portMapper = builder.AddPortMapper(PortMapperName(name), node);
        var portMapperPort = new EndpointReference(portMapper.Resource, "tcp").Property(EndpointProperty.TargetPort);

        // The server's own script, which execs the Erlang VM when it runs under a supervisor (RUNNING_UNDER_SYSTEMD):
        // otherwise it keeps a shell as the resource's process and runs the VM as its child, which a SIGKILL of the
        // resource would leave running.
        var (command, prefix) = node.AsAccount(installation.Server);
        var resource = new LocalBrokerResource(name, command, node.Directory, password);
        var broker = builder.AddResource(resource)
            .WithEndpoint(name: LocalBrokerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: LocalBrokerResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("Mail")
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }
            })
            .WithEnvironment(context =>
            {
                var variables = context.EnvironmentVariables;
                // The Erlang cookie goes in the node's home; nothing depends on the caller's TMPDIR.
                variables["HOME"] = node.Directory;
                variables["TMPDIR"] = node.Directory;
                variables["RUNNING_UNDER_SYSTEMD"] = "true";
                variables["RABBITMQ_NODENAME"] = node.Name;
                variables["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                variables["RABBITMQ_NODE_PORT"] = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                variables["RABBITMQ_DIST_PORT"] = resource.DistributionEndpoint.Property(EndpointProperty.TargetPort);
                variables["ERL_EPMD_PORT"] = portMapperPort;
                // The distribution port on loopback too (it listens on every address otherwise), and the VM never starts
                // a port mapper of its own: one started that way would outlive the node and the AppHost. Its schedulers
                // sleep when idle rather than spin, as on any machine the broker shares with the services.
                variables["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] =
                    "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false +sbwt none +sbwtdcpu none +sbwtdio none";
                variables["RABBITMQ_MNESIA_BASE"] = node.Mnesia;
                variables["RABBITMQ_LOG_BASE"] = node.Logs;
                // The log on standard output, which the resource's console shows, start failures included.
                variables["RABBITMQ_LOGS"] = "-";
                variables["RABBITMQ_CONFIG_FILE"] = node.ConfigFile;
                variables["RABBITMQ_ADVANCED_CONFIG_FILE"] = node.AdvancedConfigFile;
                variables["RABBITMQ_CONF_ENV_FILE"] = node.EnvironmentFile;
                variables["RABBITMQ_ENABLED_PLUGINS_FILE"] = node.PluginsFile;
            })
            .WaitFor(portMapper);
        portMapper.WithParentRelationship(broker);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (@event, cancellationToken) =>
        {
            var log = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
            try
            {
                if (!File.Exists(installation.Server))
                {
                    throw new InvalidOperationException($"{installation.Server} is gone: {LocalRabbitMqInstallation.NotInstalled}");
                }

                var secret = await password.GetValueAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"The {password.Name} parameter has no value.");
                if (!secret.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '.' or '_' or '~'))
                {
                    // It goes into an amqp:// address and a settings file, each of which would need its own escaping.
                    throw new InvalidOperationException(
                        $"Parameters:{password.Name} may hold only letters, digits and - . _ ~: it goes into the broker's amqp:// address.");
                }

                if (await node.PrepareAsync(LocalBrokerNode.UserName, secret, cancellationToken))
                {
                    log.LogWarning("The node's data in {Directory} was made with other credentials than Parameters:{Parameter}; it is made anew, and the events queued in it are lost",
                        node.Mnesia, password.Name);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                // The orchestrator shows only that the resource failed to start; its console says why.
                log.LogError("The broker cannot start: {Cause}", exception.Message);
                throw;
            }
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheckKey = $"{name}_check";
        var healthCheck = new BrokerHealthCheck(() => connectionString);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => healthCheck, failureStatus: null, tags: null));
        return broker.WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// The local broker's own port mapper (epmd), where the node registers its name, on a port of its own on loopback:
    /// the machine's shared one (4369) may belong to another account or another node. It runs in the foreground as a
    /// resource of the AppHost, not as the daemon the VM would start, so it ends with the AppHost rather than outliving it;
    /// it stays while the broker restarts, which registers again. Healthy once it accepts connections, which the broker
    /// waits for.
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddPortMapper(this IDistributedApplicationBuilder builder, string name, LocalBrokerNode node)
    {
        var epmd = MachineProbe.FindOnPath("epmd") ?? throw new InvalidOperationException(
            $"epmd, Erlang's port mapper, is not on PATH: {LocalRabbitMqInstallation.NotInstalled}");
        var (command, prefix) = node.AsAccount(epmd);
        var resource = new ExecutableResource(name, command, "/");
        var endpoint = new EndpointReference(resource, "tcp");
        var portMapper = builder.AddResource(resource)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithIconName("PlugConnected")
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-port"); context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-address"); context.Args.Add("127.0.0.1");
            });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
        {
            try
            {
                // A NAMES request, which epmd answers with its port and closes; a bare connection would only fill its
                // log with a line about a partial packet at every check.
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, endpoint.Port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync(NamesRequest, cancellationToken);
                var port = new byte[4];
                await stream.ReadExactlyAsync(port, cancellationToken);
                return BinaryPrimitives.ReadInt32BigEndian(port) == endpoint.Port
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("Another port mapper answers on the port.");
            }
            catch (Exception exception) when (exception is SocketException or IOException)
            {
                return HealthCheckResult.Unhealthy("epmd does not answer.", exception);
            }
        });
        return portMapper.WithHealthCheck(healthCheckKey);
    }

    private static string Variable(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}
