namespace Shop.Events.Transport;

/// <summary>The transport did not take an event for good; the relay publishes it again later.</summary>
public sealed class EventPublishException(string message, Exception? innerException = null) : Exception(message, innerException);
