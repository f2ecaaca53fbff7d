namespace Shop.Events.Inbox;

/// <summary>The handler of each event type the service takes in, as <see cref="IntegrationEventHandlers"/> set them.</summary>
internal sealed class EventHandlerRegistry(IReadOnlyDictionary<string, Func<IServiceProvider, EventEnvelope, CancellationToken, Task>> handlers)
{
    public IReadOnlyCollection<string> Types { get; } = handlers.Keys.ToArray();

    public bool Handles(string type) => handlers.ContainsKey(type);

    public bool TryGet(string type, out Func<IServiceProvider, EventEnvelope, CancellationToken, Task> handle) =>
        handlers.TryGetValue(type, out handle!);
}
