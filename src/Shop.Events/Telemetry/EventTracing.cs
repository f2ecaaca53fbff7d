using System.Diagnostics;

namespace Shop.Events.Telemetry;

/// <summary>
/// The spans of integration events. Publishing an event and handling it take the trace of the request that committed
/// it as their parent, carried in the envelope, so that the request, the publish and each service's handling of it are
/// one trace however long the event waited between them.
/// </summary>
public static class EventTracing
{
    public const string SourceName = "Shop.Events";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The trace context of the code that is adding an event, to carry in its envelope.</summary>
    internal static (string? TraceParent, string? TraceState) Capture() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? (current.Id, current.TraceStateString) : (null, null);

    /// <summary>The span of the relay publishing <paramref name="envelope"/>, when anyone listens.</summary>
    internal static Activity? StartPublish(EventEnvelope envelope) => Start(envelope, ActivityKind.Producer, "publish");

    /// <summary>The span of the inbox handling <paramref name="envelope"/>, when anyone listens.</summary>
    internal static Activity? StartProcess(EventEnvelope envelope) => Start(envelope, ActivityKind.Consumer, "process");

    private static Activity? Start(EventEnvelope envelope, ActivityKind kind, string operation)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, isRemote: true, out var parent);
        var activity = Source.StartActivity($"{operation} {envelope.Type}", kind, parent);
        activity?.SetTag("messaging.operation.type", operation);
        activity?.SetTag("messaging.destination.name", envelope.Type);
        activity?.SetTag("messaging.message.id", envelope.Id.ToString());
        activity?.SetTag("event.source", envelope.Source);
        return activity;
    }

    internal static void Fail(this Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.AddException(exception);
    }
}
