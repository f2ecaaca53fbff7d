using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Errors;

namespace Microsoft.Extensions.Hosting;

public static class StrictInputExtensions
{
    /// <summary>
    /// Reads request bodies strictly, the same way in every service, and answers whatever cannot be read
    /// with a 400 problem that names the field: see <see cref="ApplyStrictRules"/>.
    /// </summary>
    public static TBuilder AddStrictInput<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureHttpJsonOptions(options => ApplyStrictRules(options.SerializerOptions));
        // Without this, outside Development a body or parameter that cannot be read is answered with a bare
        // 400 and a log line; as an exception it reaches BadRequestExceptionHandler, which says what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        return builder;
    }

    /// <summary>
    /// Numbers are JSON numbers (never strings), each field appears once, a field the API does not know is
    /// refused rather than dropped, null is refused where the contract has no null, and enums go by name.
    /// </summary>
    public static void ApplyStrictRules(JsonSerializerOptions options)
    {
        // The web defaults read "30" as 30; a wrong type is the client's mistake to hear about.
        options.NumberHandling = JsonNumberHandling.Strict;
        // Two values for one field, the last silently winning, could let a gateway and a service read one body differently.
        options.AllowDuplicateProperties = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        // Enums are part of the API by name (an order's "Confirmed"), never by number.
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }
}
