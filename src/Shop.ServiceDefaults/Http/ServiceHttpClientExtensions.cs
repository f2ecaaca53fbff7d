using System.Net;
using System.Net.Http.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.ServiceDefaults.Errors;

namespace Shop.ServiceDefaults.Http;

public static class ServiceHttpClientExtensions
{
    /// <summary>
    /// Sends a request to another service. No answer, a timeout, an open circuit or a 5xx is a
    /// <see cref="DependencyUnavailableException"/>, which the caller's client sees as a 503; any other
    /// answer is the caller's to read.
    /// </summary>
    public static async Task<HttpResponseMessage> SendToServiceAsync(
        this HttpClient http, HttpRequestMessage request, string dependency, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(dependency, exception);
        }

        if ((int)response.StatusCode >= 500)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new DependencyUnavailableException(dependency,
                new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)status}.", null, status));
        }

        return response;
    }

    /// <summary>Reads a resource from another service: its body, or null when the service answers 404.</summary>
    public static async Task<T?> GetFromServiceAsync<T>(
        this HttpClient http, string requestUri, string dependency, CancellationToken cancellationToken) where T : class
    {
        using var response = await http.SendToServiceAsync(new HttpRequestMessage(HttpMethod.Get, requestUri), dependency, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new InvalidDataException($"GET {requestUri} answered an empty body.");
    }
}
