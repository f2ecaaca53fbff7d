namespace Shop.ServiceDefaults.Errors;

/// <summary>A service this one depends on could not answer; the caller gets a 503 with Retry-After.</summary>
public sealed class DependencyUnavailableException(string dependency, Exception? innerException = null)
    : Exception($"The {dependency} service is unavailable.", innerException)
{
    public string Dependency { get; } = dependency;
}
