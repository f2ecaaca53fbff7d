using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Shop.ServiceDefaults.Errors;

/// <summary>
/// Answers a request that the framework could not read (a body that is not the JSON the endpoint takes, a
/// query or route value of the wrong type) with a problem that
/// says what was wrong and where. Field errors use the names the validation errors use (<c>Lines[0].Quantity</c>);
/// <c>$</c> stands for the body as a whole. The messages are the shop's own, so no internal type name leaks out.
/// </summary>
/// <remarks>
/// The framework describes these failures only in its exception messages, so they are read here; a message
/// that is not recognised still gets a problem with the right status, only without field errors.
/// </remarks>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    private const string Body = "$";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var errors = bad.InnerException is JsonException json ? JsonErrors(json) : BindingErrors(bad.Message);
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = bad.StatusCode;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = problem
        });
    }

    /// <summary>What System.Text.Json refused, by field: it stops at the first fault, so there is one entry (or one per missing field).</summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var at = FieldName(json.Path);
        var message = json.Message;
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return Quoted().Matches(missing.Groups["names"].Value)
                .Select(name => Join(at, Capitalize(name.Groups[1].Value)))
                .ToDictionary(field => field, _ => new[] { "The field is required." });
        }

        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            return One(at, "The field appears more than once; send each field once.");
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return One(at, "There is no such field here.");
        }

        if (message.Contains("doesn't allow setting null values", StringComparison.Ordinal))
        {
            return One(at, "The field cannot be null.");
        }

        if (ConvertedTo().Match(message) is { Success: true } conversion && at != Body)
        {
            return One(at, $"Expected {Describe(conversion.Groups["type"].Value)}.");
        }

        var position = json.LineNumber is { } line && json.BytePositionInLine is { } column
            ? $" (line {line + 1}, byte {column + 1})"
            : "";
        return One(Body, $"The body is not valid JSON{position}: {FirstSentence(message)}");
    }

    /// <summary>A query, route or header value of the wrong type, or a body that is missing altogether.</summary>
    private static Dictionary<string, string[]>? BindingErrors(string message)
    {
        if (BindingFailed().Match(message) is { Success: true } failed)
        {
            return One(Capitalize(failed.Groups["name"].Value), $"Expected one value: {Describe(failed.Groups["type"].Value)}.");
        }

        if (RequiredMissing().Match(message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value.Contains("body", StringComparison.Ordinal)
                ? One(Body, "A request body is required.")
                : One(Capitalize(missing.Groups["name"].Value), "The field is required.");
        }

        return message.StartsWith("Implicit body inferred", StringComparison.Ordinal) ? One(Body, "A request body is required.") : null;
    }

    private static Dictionary<string, string[]> One(string field, string error) => new() { [field] = [error] };

    /// <summary>A JSON path (<c>$.lines[0].quantity</c>) as a field name like the validation errors' (<c>Lines[0].Quantity</c>).</summary>
    private static string FieldName(string? path)
    {
        var trimmed = path is null || path == Body ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return trimmed.Length == 0 ? Body : string.Join('.', trimmed.Split('.').Select(Capitalize));
    }

    private static string Join(string parent, string field) => parent == Body ? field : $"{parent}.{field}";

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static string FirstSentence(string message) =>
        message.IndexOf(" Path:", StringComparison.Ordinal) is var cut and > 0 ? message[..cut] : message;

    /// <summary>The kind of JSON value a .NET type (<c>System.Int32</c>, <c>int?</c>, <c>IReadOnlyList`1[...]</c>) reads.</summary>
    private static string Describe(string type) => type switch
    {
        _ when type.Contains("List`1", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "an array",
        _ when WholeNumber().IsMatch(type) => "a whole number within range",
        _ when type.Contains("Decimal", StringComparison.OrdinalIgnoreCase) || type.Contains("Double", StringComparison.OrdinalIgnoreCase) => "a number within range",
        _ when type.Contains("String", StringComparison.OrdinalIgnoreCase) => "a string",
        _ when type.Contains("Bool", StringComparison.OrdinalIgnoreCase) => "true or false",
        _ when type.StartsWith("Shop.", StringComparison.Ordinal) => "an object",
        _ => "a value of another type"
    };

    [GeneratedRegex(@"missing required properties including: (?<names>.*)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.(\s|$)")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>[^ ""]+)"" from ")]
    private static partial Regex BindingFailed();

    [GeneratedRegex(@"^Required parameter ""(?<type>.+) (?<name>[^ ""]+)"" was not provided from (?<source>.+)\.$")]
    private static partial Regex RequiredMissing();

    [GeneratedRegex(@"\b(u?int|u?long|u?short|s?byte|Int16|Int32|Int64|UInt16|UInt32|UInt64)\b")]
    private static partial Regex WholeNumber();
}
