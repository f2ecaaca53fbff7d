using System.Net;
using Microsoft.Extensions.Hosting;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>A deployed service keeps its OpenAPI document and API reference to itself unless its operator enables them.</summary>
public sealed class ApiDocumentExposureTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InProductionTheDocumentAndTheApiReferenceAreNotServed()
    {
        await using var products = new ProductsServiceHost { HostEnvironment = Environments.Production };
        using var anonymous = products.As(Caller.Anonymous);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/openapi/v1.json", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar", Cancellation)).StatusCode);
        // The service itself answers: only the document is withheld.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/alive", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task InProductionTheSettingServesTheDocumentButNotTheApiReference()
    {
        await using var products = new ProductsServiceHost(("OpenApi:Enabled", "true")) { HostEnvironment = Environments.Production };
        using var anonymous = products.As(Caller.Anonymous);

        var document = await anonymous.GetAsync("/openapi/v1.json", Cancellation);

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"openapi\"", await document.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task InDevelopmentTheSettingCanWithholdTheDocument()
    {
        await using var products = new ProductsServiceHost(("OpenApi:Enabled", "false"));
        using var anonymous = products.As(Caller.Anonymous);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/openapi/v1.json", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/scalar", Cancellation)).StatusCode);
    }
}
