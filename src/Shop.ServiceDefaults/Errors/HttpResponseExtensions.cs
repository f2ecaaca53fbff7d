using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults.Errors;

public static class HttpResponseExtensions
{
    /// <summary>Tells the client when to try again: <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
