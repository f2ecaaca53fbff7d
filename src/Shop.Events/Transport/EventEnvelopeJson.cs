using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Shop.Events.Transport;

/// <summary>
/// The envelope's wire form, the same on every transport: JSON with the web defaults. Reading is tolerant of fields it
/// does not know (a newer publisher may add some) and strict about the ones every receiver relies on.
/// </summary>
public static class EventEnvelopeJson
{
    /// <summary>The field errors name the body as a whole <c>$</c>, as the services' other bad-request problems do.</summary>
    private const string Body = "$";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static byte[] Serialize(EventEnvelope envelope) => JsonSerializer.SerializeToUtf8Bytes(envelope, Options);

    /// <summary>Reads an envelope from <paramref name="body"/>, or says by field what is wrong with it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, [NotNullWhen(true)] out EventEnvelope? envelope, [NotNullWhen(false)] out Dictionary<string, string[]>? errors)
    {
        envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize<EventEnvelope>(body, Options);
        }
        catch (JsonException exception)
        {
            var position = exception.LineNumber is { } line && exception.BytePositionInLine is { } column
                ? $" (line {line + 1}, byte {column + 1})"
                : "";
            errors = new() { [Body] = [$"The body is not an event envelope{position}."] };
            return false;
        }

        errors = envelope is null ? new() { [Body] = ["The body is not an event envelope."] } : Validate(envelope);
        if (errors.Count > 0)
        {
            envelope = null;
            return false;
        }

        errors = null;
        return envelope is not null;
    }

    private static Dictionary<string, string[]> Validate(EventEnvelope envelope)
    {
        var errors = new Dictionary<string, string[]>();
        if (envelope.Id == Guid.Empty)
        {
            errors[nameof(EventEnvelope.Id)] = ["The field is required: the event's id, which the inbox keys on."];
        }

        if (string.IsNullOrWhiteSpace(envelope.Type))
        {
            errors[nameof(EventEnvelope.Type)] = ["The field is required."];
        }

        if (envelope.Version < 1)
        {
            errors[nameof(EventEnvelope.Version)] = ["The field must be 1 or more."];
        }

        if (string.IsNullOrWhiteSpace(envelope.Source))
        {
            errors[nameof(EventEnvelope.Source)] = ["The field is required."];
        }

        if (envelope.OccurredAt == default)
        {
            errors[nameof(EventEnvelope.OccurredAt)] = ["The field is required."];
        }

        if (envelope.Data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            errors[nameof(EventEnvelope.Data)] = ["The field is required."];
        }

        return errors;
    }
}
