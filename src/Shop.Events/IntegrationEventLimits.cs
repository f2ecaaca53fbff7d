namespace Shop.Events;

/// <summary>The bounds of what the outbox and the inbox store.</summary>
public static class IntegrationEventLimits
{
    public const int MaxTypeLength = 128;

    /// <summary>An event is a few hundred bytes; this leaves room for far larger ones, and keeps a row bounded.</summary>
    public const int MaxEnvelopeLength = 64 * 1024;

    /// <summary>The last error kept with an event, cut to this many characters.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>The error as stored: its type and message, cut to <see cref="MaxErrorLength"/>.</summary>
    internal static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
