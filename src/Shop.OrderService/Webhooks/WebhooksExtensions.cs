namespace Shop.OrderService.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>The webhooks: their address policy, the fan-out of order events into deliveries, and the sender with its HttpClient.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhookOptions>(WebhookOptions.Section);
        builder.Services.AddSingleton<WebhookAddressPolicy>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddScoped<WebhookFanOut>();
        builder.Services.AddHostedService<WebhookSender>();

        builder.Services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = WebhookSender.Timeout)
            // Receivers are on the internet, not services of the shop: no service discovery. Nor the standard resilience:
            // the sender retries on its own schedule, and one receiver's failures must not open a circuit for another's.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                // A redirect could lead anywhere, past the address policy: it counts as a failed attempt.
                AllowAutoRedirect = false,
                // Through a proxy, the connection checked would be the proxy's, not the receiver's.
                UseProxy = false,
                ConnectCallback = services.GetRequiredService<WebhookAddressPolicy>().ConnectAsync
            });
        return builder;
    }
}
