using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shop.Events.Transport.Http;

namespace Shop.Tests.Unit;

public sealed class EventTransportSignatureTests
{
    private const string Secret = "a-delivery-secret-of-some-length";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"5f0c3c1e-3f7a-4a53-9f55-1b1f0b1c2d3e","type":"order.cancelled"}""");

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ADeliverySignedWithTheSecretVerifies()
    {
        var signature = new DeliverySignature(Secret, clock);

        Assert.Equal(DeliverySignatureCheck.Valid, signature.Verify(signature.Sign(Body), Body));
    }

    [Fact]
    public void TheHeaderNamesItsTimestampAndAHexHmacOfTimestampAndBody()
    {
        var header = new DeliverySignature(Secret, clock).Sign(Body);

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes($"{timestamp}.").Concat(Body).ToArray()));
        Assert.Equal($"t={timestamp},v1={expected}", header);
    }

    [Fact]
    public void ATamperedBodyDoesNotVerify()
    {
        var signature = new DeliverySignature(Secret, clock);
        var header = signature.Sign(Body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("cancelled", "confirmed", StringComparison.Ordinal));

        Assert.Equal(DeliverySignatureCheck.Mismatch, signature.Verify(header, tampered));
    }

    [Fact]
    public void ADeliverySignedWithAnotherSecretDoesNotVerify()
    {
        var header = new DeliverySignature("another-secret-of-some-length", clock).Sign(Body);

        Assert.Equal(DeliverySignatureCheck.Mismatch, new DeliverySignature(Secret, clock).Verify(header, Body));
    }

    [Fact]
    public void AChangedTimestampDoesNotVerify()
    {
        var signature = new DeliverySignature(Secret, clock);
        var header = signature.Sign(Body);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(DeliverySignatureCheck.Mismatch, signature.Verify(header.Replace($"t={timestamp}", $"t={timestamp + 1}", StringComparison.Ordinal), Body));
    }

    [Fact]
    public void ASignatureUpToFiveMinutesOldVerifiesAndAnOlderOneDoesNot()
    {
        var signature = new DeliverySignature(Secret, clock);
        var header = signature.Sign(Body);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DeliverySignatureCheck.Valid, signature.Verify(header, Body));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DeliverySignatureCheck.Expired, signature.Verify(header, Body));
    }

    [Fact]
    public void ASignatureMoreThanFiveMinutesAheadDoesNotVerify()
    {
        var ahead = new FakeTimeProvider(clock.GetUtcNow().AddMinutes(5).AddSeconds(1));
        var header = new DeliverySignature(Secret, ahead).Sign(Body);

        Assert.Equal(DeliverySignatureCheck.Expired, new DeliverySignature(Secret, clock).Verify(header, Body));
    }

    [Theory]
    [InlineData(null, DeliverySignatureCheck.Missing)]
    [InlineData("", DeliverySignatureCheck.Missing)]
    [InlineData("v1=00", DeliverySignatureCheck.Malformed)]
    [InlineData("t=1796644800", DeliverySignatureCheck.Malformed)]
    [InlineData("t=soon,v1=0000000000000000000000000000000000000000000000000000000000000000", DeliverySignatureCheck.Malformed)]
    [InlineData("t=1796644800,v1=zz00000000000000000000000000000000000000000000000000000000000000", DeliverySignatureCheck.Malformed)]
    [InlineData("t=1796644800,v1=0000000000000000000000000000000000000000000000000000000000000000", DeliverySignatureCheck.Mismatch)]
    [InlineData("t=99999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000", DeliverySignatureCheck.Expired)]
    public void AMissingOrMalformedSignatureDoesNotVerify(string? header, DeliverySignatureCheck check) =>
        Assert.Equal(check, new DeliverySignature(Secret, clock).Verify(header, Body));
}
