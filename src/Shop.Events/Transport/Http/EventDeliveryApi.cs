using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Events.Inbox;

namespace Shop.Events.Transport.Http;

/// <summary>
/// Where another service's relay delivers events on the HTTP transport. It takes no token: a delivery proves where it
/// comes from by its signature (<see cref="DeliverySignature"/>). Not part of the public API, so not in its document.
/// </summary>
public static class EventDeliveryApi
{
    public const string Path = "/events/deliveries";

    /// <summary>An envelope is a few hundred bytes; this leaves room for any event's data.</summary>
    public const int BodyLimit = 256 * 1024;

    public static IEndpointRouteBuilder MapEventDeliveryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveDelivery).WithName(nameof(ReceiveDelivery))
            .AllowAnonymous()
            // Deliveries come from a few peer services, as fast as their relays publish; a per-address write limit made
            // for customers would refuse them. An unsigned request costs one HMAC and is refused.
            .DisableRateLimiting()
            .WithBodyLimit(BodyLimit)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Checks the delivery's signature, reads its envelope and hands it to the inbox; 204 once the inbox has it (or had
    /// it already, or does not handle its type). When the inbox cannot record it (its database is away) the exception
    /// reaches the services' handler, which answers 503 with Retry-After, and the publisher delivers it again later.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReceiveDelivery(
        HttpRequest request, [FromServices] DeliverySignature signature, [FromServices] IEventReceiver receiver,
        [FromServices] ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        var check = signature.Verify(request.Headers[DeliverySignature.HeaderName], body);
        if (check != DeliverySignatureCheck.Valid)
        {
            loggers.CreateLogger(typeof(EventDeliveryApi)).LogWarning("Refused an event delivery: its signature is {SignatureCheck}", check);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The delivery is not signed.",
                detail: check switch
                {
                    DeliverySignatureCheck.Expired => $"The delivery's signature is more than {DeliverySignature.Tolerance.TotalMinutes:0} minutes off this service's clock.",
                    DeliverySignatureCheck.Missing => $"Sign the delivery in the header {DeliverySignature.HeaderName}.",
                    _ => $"The header {DeliverySignature.HeaderName} does not sign this body with the shop's event delivery secret."
                });
        }

        if (!EventEnvelopeJson.TryRead(body, out var envelope, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "The delivery is not an event envelope.");
        }

        await receiver.ReceiveAsync(envelope, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The body as bytes, as signed. The endpoint's body limit is the server's to enforce; it is checked here too, for a
    /// server that does not (an in-process test host), since the whole body is held in memory.
    /// </summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > BodyLimit)
        {
            throw TooLarge();
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, BodyLimit));
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > BodyLimit)
            {
                throw TooLarge();
            }
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The request body is larger than the {BodyLimit} bytes this endpoint accepts.", StatusCodes.Status413PayloadTooLarge);
}
