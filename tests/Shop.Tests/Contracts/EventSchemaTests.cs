using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shop.Tests.Contracts;

/// <summary>
/// The integration events' schemas, each version written down as the data its publisher sent: every version ever
/// published must stay readable by the services that take the event in (an event can wait in a queue, an outbox or a
/// dead-letter list across a release), and an event's shape may change only with a new version written down here.
/// </summary>
public sealed class EventSchemaTests
{
    /// <summary>
    /// The data of each event type at each version, as published. Add the new version of an event here when its shape
    /// changes (and bump its <c>Version</c>); never change or remove one that has been published.
    /// </summary>
    private static readonly IReadOnlyList<(string Type, int Version, string Data)> Published =
    [
        ("order.confirmed", 1, """{"orderId":41,"userId":7,"total":25.5,"currency":"EUR","createdAt":"2026-12-07T18:19:56+00:00"}"""),
        ("order.cancelled", 1, """{"orderId":41,"userId":7,"total":25.5,"currency":"EUR"}"""),
        ("user.deleted", 1, """{"userId":7}""")
    ];

    private static readonly IReadOnlyList<Type> EventTypes =
        [.. typeof(IIntegrationEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(IIntegrationEvent).IsAssignableFrom(t))];

    public static TheoryData<string, int> PublishedVersions() => [.. Published.Select(p => (p.Type, p.Version))];

    [Theory]
    [MemberData(nameof(PublishedVersions))]
    public void EveryPublishedVersionOfAnEventIsStillReadWholeByItsConsumers(string type, int version)
    {
        var published = JsonNode.Parse(Published.Single(p => p.Type == type && p.Version == version).Data)!.AsObject();
        var eventType = Assert.Single(EventTypes, t => TypeOf(t) == type);

        // As the inbox reads it (IntegrationEventHandlers), then written again: every field published is read.
        var read = JsonSerializer.Deserialize(published.ToJsonString(), eventType, JsonSerializerOptions.Web);
        var readAgain = JsonSerializer.SerializeToNode(read, eventType, JsonSerializerOptions.Web)!.AsObject();

        Assert.All(published, field => Assert.True(
            readAgain.TryGetPropertyValue(field.Key, out var value) && JsonNode.DeepEquals(Normalized(value), Normalized(field.Value)),
            $"{type} version {version}: {field.Key} ({field.Value?.ToJsonString()}) is read as {value?.ToJsonString() ?? "nothing"}."));
    }

    /// <summary>An event published now has the fields, each of the kind, of the version it says it is.</summary>
    [Fact]
    public void EachEventIsPublishedInTheShapeWrittenDownForItsCurrentVersion()
    {
        Assert.NotEmpty(EventTypes);
        foreach (var eventType in EventTypes)
        {
            var (type, version) = (TypeOf(eventType), (int)eventType.GetProperty(nameof(IIntegrationEvent.Version), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);
            var written = Published.Where(p => p.Type == type && p.Version == version).Select(p => JsonNode.Parse(p.Data)!.AsObject()).SingleOrDefault();
            Assert.True(written is not null, $"{type} is at version {version}, which is not written down in {nameof(Published)}.");

            var current = JsonSerializer.SerializeToNode(JsonSerializer.Deserialize(written.ToJsonString(), eventType, JsonSerializerOptions.Web), eventType, JsonSerializerOptions.Web)!.AsObject();
            Assert.Equal(Shape(written), Shape(current));
        }
    }

    private static string TypeOf(Type eventType) =>
        (string)eventType.GetProperty(nameof(IIntegrationEvent.Type), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>The fields of an event and their JSON kinds, in order of name.</summary>
    private static IReadOnlyList<string> Shape(JsonObject data) =>
        [.. data.Select(field => $"{field.Key}: {field.Value?.GetValueKind()}").Order(StringComparer.Ordinal)];

    /// <summary>A value as read, for comparison: a time as an instant, whatever offset it was written with.</summary>
    private static JsonNode? Normalized(JsonNode? value) =>
        value is JsonValue text && text.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, out var instant)
            ? JsonValue.Create(instant.UtcDateTime)
            : value?.DeepClone();
}
