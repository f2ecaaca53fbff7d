using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Shop.ServiceDefaults.Input;

public static class TextRules
{
    /// <summary>
    /// The text in Unicode normalisation form C, so that a name typed with a precomposed <c>é</c> and one typed with
    /// <c>e</c> and a combining accent are stored, compared and counted alike. Text that <see cref="PlainTextAttribute"/>
    /// refuses (it cannot be normalised) is answered as it is, for that rule to refuse.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Nfc(string? text) =>
        text is not null && PlainTextAttribute.IsPlain(text) ? text.Normalize(NormalizationForm.FormC) : text;
}
