using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Shop.Events;
using Shop.Events.Inbox;
using Shop.Events.Transport;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Service;

/// <summary>
/// The RabbitMQ transport against a broker of the tests' own (Debian's <c>rabbitmq-server</c>, as a plain process):
/// confirmed publishes, consumption with acknowledgements, and a service that starts without the broker and carries on
/// after the broker is killed and started again on the same port.
/// </summary>
[Collection(BrokerHostingCollection.Name)]
public sealed class RabbitMqTransportTests(PrivateRabbitMqBroker broker) : IClassFixture<PrivateRabbitMqBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AConfirmedEventReachesTheConsumingServiceAndIsAcknowledged()
    {
        await broker.StartAsync();
        var receiver = new RecordingReceiver(OrderCancelled.Type);
        var envelope = Envelope(OrderCancelled.Type);
        await using (var service = await ServiceAsync("confirming", receiver))
        {
            await Eventually.HoldsAsync(async () => await broker.ConsumersAsync("confirming.events") > 0, "The consumer never bound its queue.", Patience);
            await service.Publisher.PublishAsync(envelope, TestContext.Current.CancellationToken);

            var received = await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Find(envelope.Id)), "The published event never reached the receiver.", Patience);
            Assert.Equal(OrderCancelled.Type, received.Type);
            Assert.Equal(7, received.Data.GetProperty("orderId").GetInt32());
        }

        Assert.Equal(0u, await broker.ReadyMessagesAsync("confirming.events"));
    }

    [Fact]
    public async Task AnEventNoQueueIsBoundToIsNotPublished()
    {
        await broker.StartAsync();
        await using var service = await ServiceAsync("unbound", new RecordingReceiver());

        await Assert.ThrowsAsync<EventPublishException>(() =>
            service.Publisher.PublishAsync(Envelope("nobody.listens"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnEventTheInboxCouldNotRecordIsDeliveredAgain()
    {
        await broker.StartAsync();
        var receiver = new RecordingReceiver(OrderCancelled.Type) { FailuresLeft = 1 };
        await using var service = await ServiceAsync("redelivering", receiver);
        await Eventually.HoldsAsync(async () => await broker.ConsumersAsync("redelivering.events") > 0, "The consumer never bound its queue.", Patience);
        var envelope = Envelope(OrderCancelled.Type);

        await service.Publisher.PublishAsync(envelope, TestContext.Current.CancellationToken);

        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Find(envelope.Id)), "The event was not delivered again after the inbox failed.", Patience);
        Assert.Equal(2, receiver.Attempts(envelope.Id));
    }

    [Fact]
    public async Task AServiceStartsWithoutTheBrokerAndPublishesOnceItIsBackEvenAfterItWasKilled()
    {
        await broker.KillAsync();
        var receiver = new RecordingReceiver(OrderCancelled.Type);
        await using var service = await ServiceAsync("surviving", receiver);

        await Assert.ThrowsAsync<EventPublishException>(() =>
            service.Publisher.PublishAsync(Envelope(OrderCancelled.Type), TestContext.Current.CancellationToken));

        await broker.StartAsync();
        await PublishedAndReceivedAsync(service, receiver, "after the broker first started");

        await broker.KillAsync();
        await Assert.ThrowsAsync<EventPublishException>(() =>
            service.Publisher.PublishAsync(Envelope(OrderCancelled.Type), TestContext.Current.CancellationToken));

        await broker.StartAsync();
        await PublishedAndReceivedAsync(service, receiver, "after the broker was killed and started again");
    }

    /// <summary>
    /// Publishes a new event at each try, as the relay goes on publishing, until one reaches the receiver: the publisher
    /// needs its connection again, and the consumer its queue (which, on a broker that lost it, only the consumer's
    /// reconnection declares again; until then, what other queues take is no sign that this one would).
    /// </summary>
    private static async Task PublishedAndReceivedAsync(ServiceUnderTest service, RecordingReceiver receiver, string when)
    {
        var published = new List<Guid>();
        await Eventually.ReturnsAsync(async () =>
        {
            var envelope = Envelope(OrderCancelled.Type);
            await service.Publisher.PublishAsync(envelope, TestContext.Current.CancellationToken);
            published.Add(envelope.Id);
            return published.Select(receiver.Find).FirstOrDefault(received => received is not null);
        }, $"No event published {when} reached the receiver.", Patience);
    }

    private async Task<ServiceUnderTest> ServiceAsync(string name, RecordingReceiver receiver)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ShopResources.Events}"] = broker.ConnectionString
        });
        builder.Services.AddSingleton<IEventReceiver>(receiver);
        builder.AddEventTransport(name);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ServiceUnderTest(host);
    }

    private static EventEnvelope Envelope(string type) => new(
        Guid.NewGuid(), type, 1, DateTimeOffset.UtcNow, ShopServices.Orders,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null, JsonSerializer.SerializeToElement(new { orderId = 7 }));

    private sealed class ServiceUnderTest(IHost host) : IAsyncDisposable
    {
        public IEventPublisher Publisher => host.Services.GetRequiredService<IEventPublisher>();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None);
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    /// <summary>An inbox of the test's own: it records what it receives, and can fail as if its database were away.</summary>
    private sealed class RecordingReceiver(params string[] handledTypes) : IEventReceiver
    {
        private readonly ConcurrentDictionary<Guid, EventEnvelope> received = new();
        private readonly ConcurrentDictionary<Guid, int> attempts = new();
        private int failuresLeft;

        public int FailuresLeft { init => failuresLeft = value; }

        public IReadOnlyCollection<string> HandledTypes => handledTypes;

        public EventEnvelope? Find(Guid id) => received.GetValueOrDefault(id);

        public int Attempts(Guid id) => attempts.GetValueOrDefault(id);

        public Task<ReceiveOutcome> ReceiveAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            attempts.AddOrUpdate(envelope.Id, 1, (_, count) => count + 1);
            if (Interlocked.Decrement(ref failuresLeft) >= 0)
            {
                throw new TimeoutException("The database did not answer.");
            }

            return Task.FromResult(received.TryAdd(envelope.Id, envelope) ? ReceiveOutcome.Handled : ReceiveOutcome.Duplicate);
        }
    }
}

/// <summary>
/// A RabbitMQ node of the tests' own, on loopback ports of its own, with its own port mapper (epmd), user and generated
/// password, in a folder outside the caller's TMPDIR (the broker runs as the <c>rabbitmq</c> account, which cannot reach
/// it). Killed with SIGKILL and started again on the same ports as a test asks; stopped, with its epmd, at the end.
/// </summary>
public sealed class PrivateRabbitMqBroker : IAsyncLifetime
{
    private const string Package = "rabbitmq-server";
    private const string Account = "rabbitmq";
    private const string User = "shop";

    // As long as a topology's start may take (ShopTopology's): the suite starts several topologies, each with a broker, at once.
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);

    private readonly string folder = Path.Combine("/var/tmp", $"shop-tests-rabbitmq-{Guid.NewGuid():N}");
    private readonly string password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly int amqpPort = LoopbackPort.Free();
    private readonly int distributionPort = LoopbackPort.Free();
    private readonly int epmdPort = LoopbackPort.Free();
    private Process? node;

    public string ConnectionString => $"amqp://{User}:{password}@127.0.0.1:{amqpPort}";

    private static string? Script => Directory.Exists("/usr/lib/rabbitmq/lib")
        ? Directory.GetDirectories("/usr/lib/rabbitmq/lib", "rabbitmq_server-*")
            .Select(directory => Path.Combine(directory, "sbin", "rabbitmq-server"))
            .FirstOrDefault(File.Exists)
        : null;

    public ValueTask InitializeAsync()
    {
        if (Script is null)
        {
            return ValueTask.CompletedTask;
        }

        Directory.CreateDirectory(Path.Combine(folder, "home"));
        Directory.CreateDirectory(Path.Combine(folder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(folder, "log"));
        File.WriteAllText(Path.Combine(folder, "enabled_plugins"), "[].");
        File.WriteAllText(Path.Combine(folder, "rabbitmq.conf"), $"""
            listeners.tcp.1 = 127.0.0.1:{amqpPort}
            default_user = {User}
            default_pass = {password}
            loopback_users = none
            """);
        if (Environment.IsPrivilegedProcess)
        {
            Run("chown", "-R", $"{Account}:{Account}", folder);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Starts the node, unless it runs already, and waits until it accepts a connection.</summary>
    public async Task StartAsync()
    {
        SkipUnlessInstalled();
        if (node is { HasExited: false })
        {
            return;
        }

        node = Process.Start(StartInfo()) ?? throw new InvalidOperationException("The broker did not start.");
        // Read and dropped (the node logs to its own folder), so that a full pipe never stalls it.
        node.OutputDataReceived += (_, _) => { };
        node.ErrorDataReceived += (_, _) => { };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        var factory = new ConnectionFactory { Uri = new Uri(ConnectionString) };
        await Eventually.ReturnsAsync(async () =>
        {
            if (node.HasExited)
            {
                Assert.Fail($"The broker exited with {node.ExitCode}; see {Path.Combine(folder, "log")}.");
            }

            await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
            return connection.IsOpen ? connection.ToString() : null;
        }, "The broker never accepted a connection.", StartLimit);
    }

    /// <summary>Kills the node (SIGKILL, no goodbye to its clients), as a crash would.</summary>
    public async Task KillAsync()
    {
        SkipUnlessInstalled();
        if (node is null)
        {
            return;
        }

        node.Kill(entireProcessTree: true);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken);
        node.Dispose();
        node = null;
        await Eventually.HoldsAsync(() => Task.FromResult(!Accepts(amqpPort)), "The broker's port still accepts connections after it was killed.");
    }

    /// <summary>The messages ready in <paramref name="queue"/>, not counting those delivered and not yet acknowledged.</summary>
    public async Task<uint> ReadyMessagesAsync(string queue) => (await QueueAsync(queue)).MessageCount;

    /// <summary>The consumers of <paramref name="queue"/>, which is bound by the time its consumer consumes; throws while there is no such queue.</summary>
    public async Task<uint> ConsumersAsync(string queue) => (await QueueAsync(queue)).ConsumerCount;

    private async Task<QueueDeclareOk> QueueAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        return await channel.QueueDeclarePassiveAsync(queue, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (node is not null)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            node.Dispose();
        }

        if (Script is not null)
        {
            // The node starts its port mapper as a daemon of its own, outside the node's process tree.
            var epmd = new ProcessStartInfo("epmd", ["-port", epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-kill"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true
            };
            using var stopping = Process.Start(epmd);
            await (stopping?.WaitForExitAsync() ?? Task.CompletedTask);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void SkipUnlessInstalled() =>
        Assert.SkipWhen(Script is null, $"RabbitMQ is not installed: install the package {Package} (apt-get install {Package}).");

    private ProcessStartInfo StartInfo()
    {
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("setpriv", ["--reuid", Account, "--regid", Account, "--init-groups", Script!])
            : new ProcessStartInfo(Script!);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = Path.Combine(folder, "home");
        start.Environment["RABBITMQ_NODENAME"] = $"shoptests{amqpPort}@localhost";
        start.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_NODE_PORT"] = amqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_DIST_PORT"] = distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf");
        start.Environment["ERL_EPMD_PORT"] = epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        // Schedulers that sleep when idle rather than spin: the suite runs several brokers beside the services.
        start.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "+sbwt none +sbwtdcpu none +sbwtdio none";
        return start;
    }

    private static bool Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)) ?? throw new InvalidOperationException($"{file} did not start.");
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
