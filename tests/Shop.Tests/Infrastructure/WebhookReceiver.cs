using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A webhook receiver of the tests' own, on Kestrel at a loopback port: it keeps every delivery it is sent, and answers
/// the first <c>failures</c> of them with 500, as a receiver that is down for a while, and the rest with 204.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _received = new();
    private int _failuresLeft;

    private WebhookReceiver(int failures)
    {
        _failuresLeft = failures;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            _received.Enqueue(new Delivery(
                request.Headers["Shop-Webhook-Id"].ToString(),
                request.Headers["Shop-Webhook-Event"].ToString(),
                request.Headers["Shop-Webhook-Signature"].ToString(),
                await reader.ReadToEndAsync()));
            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.NoContent();
        });
    }

    /// <summary>Where the shop posts to: <c>http://127.0.0.1:{port}/hooks</c>.</summary>
    public string Url => _app.Urls.Single() + "/hooks";

    /// <summary>Every delivery so far, in the order they came.</summary>
    public IReadOnlyList<Delivery> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(int failures)
    {
        var receiver = new WebhookReceiver(failures);
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A delivery as it came: its headers and its body.</summary>
    public sealed record Delivery(string EventId, string EventType, string Signature, string Body);
}
