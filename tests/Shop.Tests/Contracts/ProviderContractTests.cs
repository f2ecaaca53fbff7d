using System.Net.Http.Json;
using System.Text.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Contracts;

/// <summary>
/// Each provider, as it is built now, still answers every call its consumers make as they expect it
/// (<see cref="ConsumerExpectations"/>): checked against the OpenAPI document the provider itself serves, which ASP.NET
/// Core makes from its routes and the types its handlers return, so that renaming, retyping or dropping a field a
/// consumer reads, requiring a field it does not send, or moving a route fails here.
/// </summary>
public sealed class ProviderContractTests(InProcessServicesFixture services)
{
    public static TheoryData<string> Calls() => [.. ConsumerExpectations.All.Select(e => e.ToString())];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task TheProviderAnswersTheCallAsItsConsumerExpects(string call)
    {
        var expectation = ConsumerExpectations.All.Single(e => e.ToString() == call);
        var schema = new OpenApiSchema(await DocumentOfAsync(expectation.Provider));

        Assert.True(schema.Operation(expectation.Method, expectation.Route) is not null,
            $"{expectation.Provider} has no {expectation.Method} {expectation.Route}, which {expectation.Consumer} calls.");

        var request = schema.RequestBody(expectation.Method, expectation.Route);
        if (request is { } body)
        {
            var sent = expectation.Sends.Select(f => f.Path).ToHashSet();
            Assert.All(schema.RequiredPaths(body), required => Assert.True(sent.Contains(required),
                $"{expectation.Provider} requires {required} in {expectation.Method} {expectation.Route}, which {expectation.Consumer} does not send."));
        }

        Assert.All(expectation.Sends, field => Assert.True(request is { } body && schema.KindsOf(body, field.Path).Contains(field.Kind),
            $"{expectation.Provider} does not take {field} in {expectation.Method} {expectation.Route}, which {expectation.Consumer} sends."));

        var response = schema.ResponseBody(expectation.Method, expectation.Route, expectation.Status);
        Assert.True(response is not null, $"{expectation.Provider} does not answer {expectation.Method} {expectation.Route} with {expectation.Status}, which {expectation.Consumer} expects.");
        Assert.All(expectation.Reads, field =>
        {
            var kinds = schema.KindsOf(response!.Value, field.Path);
            Assert.True(kinds.Contains(field.Kind),
                $"{expectation.Provider} answers {expectation.Method} {expectation.Route} with {field.Path} as [{string.Join(", ", kinds)}], where {expectation.Consumer} reads {field}.");
        });
    }

    /// <summary>The issuer's token endpoint, outside the OpenAPI document, asked for a service token as a service asks for one.</summary>
    [Fact]
    public async Task TheIssuerAnswersAServiceTokenRequestWithTheFieldsItsCallersRead()
    {
        var expectation = ConsumerExpectations.ServiceToken;
        using var anonymous = services.Users.As(Caller.Anonymous);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ShopServices.Orders,
            ["client_secret"] = UsersServiceHost.OrdersClientSecret,
            // The scopes the orders service asks for (AddServiceIdentity in its ServiceCollectionExtensions).
            ["scope"] = string.Join(' ', ShopScopes.Reservations, ShopScopes.CatalogRead, ShopScopes.UsersRead)
        };
        Assert.Equal(expectation.Sends.Select(f => f.Path).Order(), form.Keys.Order());

        using var response = await anonymous.PostAsync(expectation.Route, new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);

        Assert.Equal(expectation.Status, (int)response.StatusCode);
        var token = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.All(expectation.Reads, field => Assert.Equal(field.Kind, KindOf(token.GetProperty(field.Path))));
    }

    private async Task<JsonElement> DocumentOfAsync(string provider)
    {
        using var client = provider switch
        {
            ShopServices.Users => services.Users.As(Caller.Anonymous),
            ShopServices.Products => services.Products.As(Caller.Anonymous),
            _ => services.Orders.As(Caller.Anonymous)
        };
        return await client.GetAsync<JsonElement>("/openapi/v1.json");
    }

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null"
    };
}
