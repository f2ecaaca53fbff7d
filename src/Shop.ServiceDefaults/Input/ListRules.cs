using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Input;

public static class ListRules
{
    /// <summary>
    /// Errors for the lines of a request that are null (<c>Lines[1]</c>) and, when none is, for a key that
    /// appears on more than one line, such as one product ordered on two lines.
    /// </summary>
    public static IEnumerable<ValidationResult> EachPresentAndUnique<T, TKey>(
        IReadOnlyList<T?>? lines, Func<T, TKey> key, string member, string duplicateMessage) where T : class
    {
        if (lines is null)
        {
            yield break;
        }

        var missing = Enumerable.Range(0, lines.Count).Where(i => lines[i] is null).ToList();
        foreach (var index in missing)
        {
            yield return new ValidationResult("A line cannot be null.", [$"{member}[{index}]"]);
        }

        if (missing.Count == 0 && lines.Select(line => key(line!)).Distinct().Count() != lines.Count)
        {
            yield return new ValidationResult(duplicateMessage, [member]);
        }
    }
}
