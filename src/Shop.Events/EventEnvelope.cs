using System.Text.Json;

namespace Shop.Events;

/// <summary>
/// An integration event as it travels: its id (the same on every delivery, which the inbox keys on), its type and
/// version, when it happened, the service that published it, the trace it belongs to, and its data as JSON.
/// </summary>
public sealed record EventEnvelope(
    Guid Id, string Type, int Version, DateTimeOffset OccurredAt, string Source, string? TraceParent, string? TraceState, JsonElement Data);
