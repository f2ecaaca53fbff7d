using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Input;

/// <summary>
/// Text a person types on one line: no control characters (NUL, line breaks, escapes), which no name or
/// address needs and which confuse whoever later displays or logs it. With <see cref="AllowSpaces"/> false,
/// no white space either, as in an email address.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public bool AllowSpaces { get; init; } = true;

    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => char.IsControl(c) || (!AllowSpaces && char.IsWhiteSpace(c)));

    public override string FormatErrorMessage(string name) => AllowSpaces
        ? $"The field {name} must not contain control characters."
        : $"The field {name} must not contain spaces or control characters.";
}
