using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.ServiceDefaults.Errors;

namespace Shop.Web.Clients;

/// <summary>A service the page needs could not answer: the page says what is away and when to try again.</summary>
public sealed class ServiceUnavailableException(string service, TimeSpan retryAfter, Exception? innerException = null)
    : Exception($"The {service} service is unavailable.", innerException)
{
    public string Service { get; } = service;

    /// <summary>When to try again: the service's own Retry-After, else a few seconds.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary><see cref="RetryAfter"/> in whole seconds, one at least: the Retry-After header's value, and what the page says.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

internal static class ServiceCalls
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends a request to a service. No answer, a timeout, an open circuit or a 5xx is a <see cref="ServiceUnavailableException"/>
    /// carrying the service's Retry-After when it gave one; any other answer is the caller's to read.
    /// </summary>
    public static async Task<HttpResponseMessage> CallAsync(
        this HttpClient http, HttpRequestMessage request, string service, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (DependencyUnavailableException exception)
        {
            // The web app's own token could not be had: the issuer is away.
            throw new ServiceUnavailableException(exception.Dependency, DefaultRetryAfter, exception);
        }
        catch (BrokenCircuitException exception)
        {
            throw new ServiceUnavailableException(service, exception.RetryAfter ?? DefaultRetryAfter, exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ServiceUnavailableException(service, DefaultRetryAfter, exception);
        }

        if ((int)response.StatusCode >= 500)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta ?? DefaultRetryAfter;
            response.Dispose();
            throw new ServiceUnavailableException(service, retryAfter);
        }

        return response;
    }

    public static async Task<T?> GetAsync<T>(this HttpClient http, string uri, string service, CancellationToken cancellationToken) where T : class
    {
        using var response = await http.CallAsync(new HttpRequestMessage(HttpMethod.Get, uri), service, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }

    /// <summary>The problem a service answered with, or a bare one of its status.</summary>
    public static async Task<ValidationProblemDetails> ReadProblemAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(cancellationToken) ?? new() { Status = (int)response.StatusCode };
        }
        catch (System.Text.Json.JsonException)
        {
            return new() { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        }
    }
}
