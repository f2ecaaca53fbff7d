using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Input;

/// <summary>
/// An email address as the shop takes it: printable ASCII without spaces, so that no letter of it can be a look-alike
/// from another script (a Cyrillic <c>а</c> in <c>pаypal.com</c>) or an invisible character. An internationalised
/// domain is written in its punycode form (<c>xn--…</c>), as mail servers exchange it anyway. The address's shape is
/// <see cref="EmailAddressAttribute"/>'s to check.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class EmailTextAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not string text || text.All(c => c is > ' ' and < '\u007f');

    public override string FormatErrorMessage(string name) =>
        $"The field {name} must be printable ASCII without spaces; write an international domain in its punycode form (xn--…).";
}
