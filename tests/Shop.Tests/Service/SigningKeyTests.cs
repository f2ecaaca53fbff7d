using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// A users service whose key is a file (<c>Identity:SigningKeyPath</c>, as these in-process hosts have it) leaves the
/// key to whoever manages the file: the rotation API says so rather than adding keys nobody would sign with, or
/// withdrawing the one key there is.
/// </summary>
public sealed class SigningKeyTests(InProcessServicesFixture services)
{
    [Theory]
    [InlineData("GET", "/signing-keys")]
    [InlineData("POST", "/signing-keys")]
    [InlineData("DELETE", "/signing-keys/any-key")]
    public async Task WithTheKeyInAFileTheRotationApiAnswers409(string method, string path)
    {
        using var admin = services.Users.As(Caller.Admin());

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Identity:SigningKeyPath", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
