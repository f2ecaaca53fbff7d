namespace Shop.AppHost.Events;

/// <summary>
/// How the services send each other integration events: through <paramref name="Broker"/> when there is one, else over
/// HTTP, each delivery signed with <paramref name="DeliverySecret"/>.
/// </summary>
internal sealed record ShopEvents(
    EventsHost Host, IResourceBuilder<IResourceWithConnectionString>? Broker, IResourceBuilder<ParameterResource>? DeliverySecret);
