using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.AppHost;
using Shop.AppHost.Events;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Where the AppHost runs the broker that carries the integration events (<c>Events:Host</c>), and what the services are
/// told: the installed RabbitMQ server as a process of its own, which keeps its password off every command line and log,
/// keeps its queues across a kill and a restart, and leaves nothing running behind; or no broker, the services delivering
/// to each other over signed HTTP; or, for a setting it does not know, a refusal naming it.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Collection(BrokerHostingCollection.Name)]
public sealed class EventHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AutoRunsTheInstalledBrokerWhichKeepsItsPasswordToItselfAndItsQueuesAcrossAKillAndLeavesNothingRunning()
    {
        Assert.SkipWhen(LocalRabbitMqInstallation.Find() is null, $"This needs the installed RabbitMQ server: {LocalRabbitMqInstallation.NotInstalled}");
        // Where a container runtime answers, auto runs the broker in a container: the installed server is then asked for.
        var containers = MachineProbe.ContainerRuntime is not null;
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-events-").FullName;
        var node = TopologyLauncher.BrokerNodeOf(dataDirectory);
        var app = await StartAsync(dataDirectory, containers ? [$"{EventsHostSelector.SettingName}=rabbitmq-server"] : []);
        var stopped = false;
        try
        {
            var logs = app.Services.GetFakeLogCollector();
            var reason = containers ? $"{EventsHostSelector.SettingName} is 'rabbitmq-server'" : "no container runtime answers and /usr/lib/rabbitmq/";
            Assert.Contains(logs.GetSnapshot(), record => record.Level == LogLevel.Information
                && record.Message.StartsWith($"The {ShopResources.Events} resource runs on {EventsHost.RabbitMqServer}, because {reason}", StringComparison.Ordinal));

            // The services reach the broker as they would Aspire's container.
            var connectionString = await app.GetConnectionStringAsync(ShopResources.Events, Cancellation)
                ?? throw new InvalidOperationException("The broker has no connection string.");
            var address = new Uri(connectionString);
            Assert.Equal(("amqp", "127.0.0.1"), (address.Scheme, ResolvedHost(address)));
            var password = Uri.UnescapeDataString(address.UserInfo.Split(':', 2)[1]);
            foreach (var service in ShopServices.All)
            {
                var environment = EnvironmentOf(ProcessIdOf(app, service));
                Assert.Equal(EventTransports.RabbitMq, environment.GetValueOrDefault("Events__Transport"));
                Assert.Equal(connectionString, environment.GetValueOrDefault($"ConnectionStrings__{ShopResources.Events}"));
            }

            // No command line of the broker's processes, which every local user can read, and no log shows the password.
            var broker = ProcessIdOf(app, ShopResources.Events);
            var portMapper = ProcessIdOf(app, EventsBuilderExtensions.PortMapperName(ShopResources.Events));
            var processes = ProcessTree(broker).Append(portMapper).ToList();
            Assert.Contains(processes, process => CommandLineOf(process).Contains("beam.smp", StringComparison.Ordinal));
            Assert.All(processes, process => Assert.DoesNotContain(password, CommandLineOf(process), StringComparison.Ordinal));
            var brokerLog = await ConsoleOfAsync(app, ShopResources.Events);
            Assert.Contains("Server startup complete", brokerLog, StringComparison.Ordinal);
            Assert.DoesNotContain(password, brokerLog, StringComparison.Ordinal);
            Assert.DoesNotContain(logs.GetSnapshot(), record => record.Message.Contains(password, StringComparison.Ordinal));

            // A message the broker confirmed outlives a SIGKILL of the resource's process, which is the broker itself,
            // and a start through the AppHost's command, on the same port.
            await PublishPersistentAsync(connectionString, "kept");
            Process(broker).Kill();
            await app.ResourceNotifications.WaitForResourceAsync(ShopResources.Events, [KnownResourceStates.Exited, KnownResourceStates.Finished], Cancellation).WaitAsync(Timeout, Cancellation);
            Assert.All(processes.Where(process => process != portMapper), process => Assert.False(TopologyLauncher.IsRunning(process), $"Process {process} of the broker outlived it."));
            var started = await app.ResourceCommands.ExecuteCommandAsync(ShopResources.Events, KnownResourceCommands.StartCommand, Cancellation).WaitAsync(Timeout, Cancellation);
            Assert.True(started.Success, started.Message);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ShopResources.Events, WaitBehavior.WaitOnResourceUnavailable, Cancellation).WaitAsync(Timeout, Cancellation);
            Assert.Equal(connectionString, await app.GetConnectionStringAsync(ShopResources.Events, Cancellation));
            Assert.Equal("kept", await ReceiveOnceRecoveredAsync(connectionString));

            var restarted = ProcessTree(ProcessIdOf(app, ShopResources.Events)).Append(portMapper).ToList();
            await TopologyLauncher.StopAsync(app, DataProviders.Sqlite);
            stopped = true;
            Assert.All(restarted, process => Assert.False(TopologyLauncher.IsRunning(process), $"Process {process} ({CommandLineOf(process)}) outlived the topology."));
            Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Where(folder => int.TryParse(Path.GetFileName(folder), out _)),
                folder => TopologyLauncher.IsRunning(int.Parse(Path.GetFileName(folder), CultureInfo.InvariantCulture))
                    && CommandLineOf(int.Parse(Path.GetFileName(folder), CultureInfo.InvariantCulture)).Contains(node, StringComparison.Ordinal));
        }
        finally
        {
            if (!stopped)
            {
                await TopologyLauncher.StopAsync(app, DataProviders.Sqlite);
            }

            RemoveData(dataDirectory, node);
        }
    }

    [Fact]
    public async Task ABrokerThatCannotStartSaysWhyOnItsConsole()
    {
        Assert.SkipWhen(LocalRabbitMqInstallation.Find() is null, $"This needs the installed RabbitMQ server: {LocalRabbitMqInstallation.NotInstalled}");
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-events-refused-folder-").FullName;
        var node = TopologyLauncher.BrokerNodeOf(dataDirectory);
        // A node folder that another account could change: the broker must not start on it.
        Directory.CreateDirectory(node);
        File.SetUnixFileMode(node, File.GetUnixFileMode(node) | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        var app = await TopologyLauncher.StartAsync(DataProviders.Sqlite,
        [
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            $"{EventsHostSelector.SettingName}=rabbitmq-server",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N"))
        ], Timeout, healthy: [ShopResources.Cache]);
        try
        {
            await app.ResourceNotifications.WaitForResourceAsync(ShopResources.Events, KnownResourceStates.FailedToStart, Cancellation).WaitAsync(Timeout, Cancellation);
            await Eventually.HoldsAsync(async () => (await ConsoleOfAsync(app, ShopResources.Events)).Contains(
                    $"The broker cannot start: The broker's folder {node} could not be prepared", StringComparison.Ordinal),
                "The broker's console does not say why it did not start.");
        }
        finally
        {
            await TopologyLauncher.StopAsync(app, DataProviders.Sqlite);
            RemoveData(dataDirectory, node);
        }
    }

    [Fact]
    public async Task HttpStartsNoBrokerAndTellsEachServiceTheSecretAndWhomToDeliverTo()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-events-http-").FullName;
        string[] settings = [$"{EventsHostSelector.SettingName}=http"];
        Assert.False(TopologyLauncher.EventsRunOnBroker(settings));
        var app = await StartAsync(dataDirectory, settings);
        try
        {
            Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources,
                resource => resource.Name.StartsWith(ShopResources.Events, StringComparison.Ordinal) && resource is not ParameterResource);
            var environments = ShopServices.All.ToDictionary(service => service, service => EnvironmentOf(ProcessIdOf(app, service)));
            var secret = environments[ShopServices.Users].GetValueOrDefault("Events__Http__Secret");
            Assert.False(string.IsNullOrEmpty(secret), "The users service has no delivery secret.");

            var subscribers = new Dictionary<string, string[]>
            {
                [ShopServices.Users] = [ShopServices.Orders],
                [ShopServices.Orders] = [ShopServices.Products, ShopServices.Orders],
                [ShopServices.Products] = []
            };
            foreach (var (service, environment) in environments)
            {
                Assert.Equal(EventTransports.Http, environment.GetValueOrDefault("Events__Transport"));
                Assert.Equal(secret, environment.GetValueOrDefault("Events__Http__Secret"));
                Assert.False(environment.ContainsKey($"ConnectionStrings__{ShopResources.Events}"), $"{service} is given a broker.");
                Assert.Equal(subscribers[service], environment.Where(variable => variable.Key.StartsWith("Events__Http__Subscribers__", StringComparison.Ordinal))
                    .OrderBy(variable => variable.Key, StringComparer.Ordinal).Select(variable => variable.Value));
                // Each finds those it delivers to.
                Assert.All(subscribers[service], subscriber => Assert.Equal(app.GetEndpoint(subscriber, "http").ToString().TrimEnd('/'),
                    environment.GetValueOrDefault($"services__{subscriber}__http__0")?.TrimEnd('/')));
            }

            Assert.Contains(app.Services.GetFakeLogCollector().GetSnapshot(), record =>
                record.Message.StartsWith($"The {ShopResources.Events} resource runs on {EventsHost.Http}, because {EventsHostSelector.SettingName} is 'http'", StringComparison.Ordinal));
        }
        finally
        {
            await TopologyLauncher.StopAsync(app, DataProviders.Sqlite);
            ShopTopology.RemoveData(dataDirectory);
        }
    }

    [Fact]
    public async Task AnUnknownEventsHostSettingIsRefusedAtStartup()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-events-refused-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                await TopologyLauncher.StopAsync(await StartAsync(dataDirectory, [$"{EventsHostSelector.SettingName}=kafka"]), DataProviders.Sqlite));

            Assert.Contains("Events:Host is 'kafka'; use one of auto, container, rabbitmq-server or http.", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>A topology on SQLite and the tests' own cache host, with the AppHost's own log collected.</summary>
    private static Task<DistributedApplication> StartAsync(string dataDirectory, params string[] settings) =>
        TopologyLauncher.StartAsync(DataProviders.Sqlite,
        [
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N")),
            .. settings
        ], Timeout, configure: builder => builder.Services.AddLogging(logging => logging.AddFakeLogging()));

    private static void RemoveData(string dataDirectory, string node)
    {
        if (Directory.Exists(node))
        {
            Directory.Delete(node, recursive: true);
        }

        ShopTopology.RemoveData(dataDirectory);
    }

    private static string ResolvedHost(Uri address) => address.Host == "localhost" ? "127.0.0.1" : address.Host;

    private static async Task PublishPersistentAsync(string connectionString, string body)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync(Cancellation);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancellation);
        await channel.QueueDeclareAsync("event-host-tests", durable: true, exclusive: false, autoDelete: false, cancellationToken: Cancellation);
        await channel.BasicPublishAsync("", "event-host-tests", mandatory: true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes(body), Cancellation);
    }

    /// <summary>
    /// The message, once the broker shows the durable queue again. On a machine whose cores are all busy, a node that had
    /// just answered its health check as started has once answered that the queue was not there (404), a moment
    /// before it did; a queue that does not come back within the wait fails the test, as a lost one must.
    /// </summary>
    private static async Task<string?> ReceiveOnceRecoveredAsync(string connectionString)
    {
        string? received = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                received = await ReceiveAsync(connectionString);
                return true;
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
            {
                return false;
            }
        }, "The broker did not show its durable queue event-host-tests again after the kill.", TimeSpan.FromSeconds(30));
        return received;
    }

    private static async Task<string?> ReceiveAsync(string connectionString)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync(Cancellation);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        var message = await channel.BasicGetAsync("event-host-tests", autoAck: true, Cancellation);
        return message is null ? null : Encoding.UTF8.GetString(message.Body.Span);
    }

    private static async Task<string> ConsoleOfAsync(DistributedApplication app, string resource)
    {
        var text = new StringBuilder();
        var id = app.ResourceNotifications.TryGetCurrentState(resource, out var state) ? state!.ResourceId : resource;
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(id).WithCancellation(read.Token))
            {
                foreach (var line in batch)
                {
                    text.AppendLine(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (read.IsCancellationRequested)
        {
            // What it wrote so far is all there is.
        }

        return text.ToString();
    }

    private static int ProcessIdOf(DistributedApplication app, string resource) =>
        ResourceWatch.Of(app).Running(resource) is [var (_, processId), ..] ? processId
            : throw new InvalidOperationException($"{resource} does not run.");

    /// <summary>A process and its descendants.</summary>
    private static IEnumerable<int> ProcessTree(int processId)
    {
        var pending = new Queue<int>([processId]);
        while (pending.TryDequeue(out var process))
        {
            yield return process;
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories($"/proc/{process}/task")
                    .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var child in children)
            {
                pending.Enqueue(int.Parse(child, CultureInfo.InvariantCulture));
            }
        }
    }

    private static System.Diagnostics.Process Process(int processId) => System.Diagnostics.Process.GetProcessById(processId);

    private static string CommandLineOf(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static Dictionary<string, string> EnvironmentOf(int processId) =>
        File.ReadAllText($"/proc/{processId}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(variable => variable.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(group => group.Key, group => group.Last()[1]);
}
