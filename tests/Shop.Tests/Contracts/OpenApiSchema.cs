using System.Text.Json;

namespace Shop.Tests.Contracts;

/// <summary>
/// Reads a provider's OpenAPI document the way a consumer's expectations need it: an operation's request and response
/// bodies, and the kind of each field along a path through them.
/// </summary>
public sealed class OpenApiSchema(JsonElement document)
{
    /// <summary>The schema of the request body of <paramref name="method"/> <paramref name="route"/>, or null when it takes none.</summary>
    public JsonElement? RequestBody(string method, string route) =>
        Operation(method, route) is { } operation && operation.TryGetProperty("requestBody", out var body)
            ? Resolve(body.GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            : null;

    /// <summary>
    /// The schema of the JSON body the operation answers with <paramref name="status"/>; an empty object when it answers that
    /// status without a body; null when it does not answer that status at all.
    /// </summary>
    public JsonElement? ResponseBody(string method, string route, int status)
    {
        if (Operation(method, route) is not { } operation || !operation.GetProperty("responses").TryGetProperty($"{status}", out var response))
        {
            return null;
        }

        return response.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json)
            ? Resolve(json.GetProperty("schema"))
            : JsonDocument.Parse("{}").RootElement;
    }

    /// <summary>The operation, or null when the document has no such route or method.</summary>
    public JsonElement? Operation(string method, string route) =>
        document.GetProperty("paths").TryGetProperty(route, out var path) && path.TryGetProperty(method.ToLowerInvariant(), out var operation)
            ? operation
            : null;

    /// <summary>
    /// The JSON kinds a field may have in <paramref name="schema"/>, following <paramref name="path"/> (<c>a.b</c>,
    /// <c>a[].b</c>, <c>[].b</c>); empty when the schema has no such field.
    /// </summary>
    public IReadOnlySet<string> KindsOf(JsonElement schema, string path)
    {
        var current = Resolve(schema);
        foreach (var step in Steps(path))
        {
            if (step == "[]")
            {
                if (!current.TryGetProperty("items", out var items))
                {
                    return new HashSet<string>();
                }

                current = Resolve(items);
            }
            else if (current.TryGetProperty("properties", out var properties) && properties.TryGetProperty(step, out var property))
            {
                current = Resolve(property);
            }
            else
            {
                return new HashSet<string>();
            }
        }

        return Kinds(current);
    }

    /// <summary>The paths of the properties <paramref name="schema"/> requires, at every level the consumer sends.</summary>
    public IEnumerable<string> RequiredPaths(JsonElement schema, string prefix = "")
    {
        var current = Resolve(schema);
        if (current.TryGetProperty("items", out var items))
        {
            foreach (var path in RequiredPaths(items, $"{prefix}[]"))
            {
                yield return path;
            }
        }

        if (!current.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        var required = current.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToHashSet() : [];
        foreach (var property in properties.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (required.Contains(property.Name))
            {
                yield return path;
                foreach (var nested in RequiredPaths(property.Value, path))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<string> Steps(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var name = part.EndsWith("[]", StringComparison.Ordinal) ? part[..^2] : part;
            if (name.Length > 0)
            {
                yield return name;
            }

            if (part.EndsWith("[]", StringComparison.Ordinal))
            {
                yield return "[]";
            }
        }
    }

    /// <summary>A schema with its reference followed, and the first of its alternatives taken when it is one of several.</summary>
    private JsonElement Resolve(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return Resolve(document.GetProperty("components").GetProperty("schemas").GetProperty(name));
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var alternatives)
                && alternatives.EnumerateArray().FirstOrDefault(a => !IsNullOnly(a)) is { ValueKind: JsonValueKind.Object } alternative)
            {
                return Resolve(alternative);
            }
        }

        return schema;
    }

    private static bool IsNullOnly(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";

    private static HashSet<string> Kinds(JsonElement schema)
    {
        var kinds = new HashSet<string>();
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                kinds.UnionWith(type.EnumerateArray().Select(t => t.GetString()!));
            }
            else
            {
                kinds.Add(type.GetString()!);
            }
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            kinds.UnionWith(values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(_ => "string"));
        }

        if (schema.TryGetProperty("properties", out _))
        {
            kinds.Add("object");
        }

        // An integer is a number too, for a consumer that reads a number.
        if (kinds.Contains("integer"))
        {
            kinds.Add("number");
        }

        return kinds;
    }
}
