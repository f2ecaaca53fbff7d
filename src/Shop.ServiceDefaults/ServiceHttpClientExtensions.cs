using System.Net;
using System.Net.Http.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.ServiceDefaults;

namespace System.Net.Http;

public static class ServiceHttpClientExtensions
{
    /// <summary>
    /// Reads a resource from another service: its body, or null when the service answers 404. Anything
    /// else that is not a success (no answer, a timeout, an open circuit, a 5xx) is a
    /// <see cref="DependencyUnavailableException"/>, which the caller's client sees as a 503.
    /// </summary>
    public static async Task<T?> GetFromServiceAsync<T>(
        this HttpClient http, string requestUri, string dependency, CancellationToken cancellationToken) where T : class
    {
        try
        {
            using var response = await http.GetAsync(requestUri, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new DependencyUnavailableException(dependency,
                    new HttpRequestException($"GET {requestUri} answered {(int)response.StatusCode}.", null, response.StatusCode));
            }

            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new DependencyUnavailableException(dependency, new InvalidDataException($"GET {requestUri} answered an empty body."));
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(dependency, exception);
        }
    }
}
