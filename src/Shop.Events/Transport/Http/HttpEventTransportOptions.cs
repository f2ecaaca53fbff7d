using System.ComponentModel.DataAnnotations;
using Shop.Contracts;

namespace Shop.Events.Transport.Http;

/// <summary>The settings of the HTTP transport (<c>Events:Http:*</c>): the delivery secret, and whom to deliver to.</summary>
public sealed class HttpEventTransportOptions : IValidatableObject
{
    public const string Section = "Events:Http";

    /// <summary>Shorter secrets are guessable offline from one captured delivery.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>The secret every delivery is signed with (<see cref="EventTransports.HttpSecretSetting"/>).</summary>
    public string? Secret { get; set; }

    /// <summary>The services this one delivers its events to (<see cref="EventTransports.HttpSubscribersSetting"/>).</summary>
    public List<string> Subscribers { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Secret))
        {
            yield return new ValidationResult(
                $"{EventTransports.HttpSecretSetting} is not set. The {EventTransports.Http} event transport signs every delivery with it, "
                + $"and every service that sends or receives events must have the same one (the AppHost gives its parameter {ShopResources.EventsDeliverySecret}).",
                [nameof(Secret)]);
        }
        else if (Secret.Length < MinimumSecretLength)
        {
            yield return new ValidationResult(
                $"{EventTransports.HttpSecretSetting} must be at least {MinimumSecretLength} characters long.", [nameof(Secret)]);
        }

        if (Subscribers.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{EventTransports.HttpSubscribersSetting} names a service with no name.", [nameof(Subscribers)]);
        }
    }
}
