using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

public static class BodyLimitExtensions
{
    /// <summary>Refuses request bodies over <paramref name="bytes"/> with a 413 problem.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(bytes));
}
