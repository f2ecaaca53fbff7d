using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Http;

/// <summary>How long a call to another service may take (<c>ServiceCalls:*</c>), before its caller answers 503.</summary>
public sealed class ServiceCallOptions : IValidatableObject
{
    public const string Section = "ServiceCalls";

    /// <summary>One attempt; a safe call is tried three times in all.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>All attempts together.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult(
                $"{Section}:AttemptTimeout must be positive and at most {Section}:TotalTimeout.", [nameof(AttemptTimeout), nameof(TotalTimeout)]);
        }
    }
}
