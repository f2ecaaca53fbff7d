using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace Shop.ServiceDefaults.Input;

/// <summary>
/// Text a person types on one line, shown to others as it was typed: no control characters (NUL, line breaks,
/// escapes), no format characters (the bidirectional controls that reverse what follows, as in <c>admin\u202Egpj.exe</c>,
/// and the zero-width characters that make two names look alike), no line or paragraph separators, no unpaired
/// surrogates, private-use or unassigned characters. None of them belongs in a name, and each can confuse whoever later
/// displays or logs the text. With <see cref="AllowSpaces"/> false, no white space either.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public bool AllowSpaces { get; init; } = true;

    public override bool IsValid(object? value) =>
        value is not string text || (IsPlain(text) && (AllowSpaces || !text.Any(char.IsWhiteSpace)));

    public override string FormatErrorMessage(string name) => AllowSpaces
        ? $"The field {name} must not contain control, format (bidirectional or zero-width) or unassigned characters."
        : $"The field {name} must not contain spaces, or control, format (bidirectional or zero-width) or unassigned characters.";

    /// <summary>Whether <paramref name="text"/> is well-formed UTF-16 with none of the characters this rule refuses.</summary>
    public static bool IsPlain(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var length) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                    return false;
            }

            rest = rest[length..];
        }

        return true;
    }
}
