using Xunit;

namespace CortexHub.Grpc.Tests;

public sealed class ProtocolHelperTests
{
    [Theory]
    [InlineData("1H", 3_600_000d)]
    [InlineData("2M", 120_000d)]
    [InlineData("3S", 3_000d)]
    [InlineData("250m", 250d)]
    [InlineData("1500u", 1.5d)]
    [InlineData("2000000n", 2d)]
    [InlineData("99999999m", 99_999_999d)]
    public void GrpcTimeout_TryParse_ValidValues_Parsed(string value, double milliseconds)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("10")]
    [InlineData("-5m")]
    [InlineData("1.5S")]
    [InlineData("123456789S")]
    [InlineData("10s")]
    [InlineData(" 10S")]
    public void GrpcTimeout_TryParse_InvalidValues_Rejected(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Theory]
    [InlineData(0.0004, "1u")]
    [InlineData(250, "250000u")]
    [InlineData(5_000_000, "5000000m")]
    [InlineData(200_000_000, "200000S")]
    public void GrpcTimeout_Format_RoundsUpInFinestUnitThatFits(double milliseconds, string expected)
    {
        var formatted = GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, formatted);
        Assert.True(GrpcTimeout.TryParse(formatted, out var parsed));
        Assert.True(parsed >= TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100% done", "100%25 done")]
    [InlineData("línea\nnueva", "l%C3%ADnea%0Anueva")]
    [InlineData("✓", "%E2%9C%93")]
    public void GrpcPercentEncoding_EncodeDecode_RoundTrips(string text, string encoded)
    {
        Assert.Equal(encoded, GrpcPercentEncoding.Encode(text));
        Assert.Equal(text, GrpcPercentEncoding.Decode(encoded));
    }

    [Fact]
    public void GrpcPercentEncoding_Decode_MalformedEscapeKeptAsIs()
    {
        Assert.Equal("50%zz off %", GrpcPercentEncoding.Decode("50%zz off %"));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void GrpcProtocol_IsGrpcContentType_AcceptsOnlyProtobufGrpc(string? contentType, bool expected)
    {
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));
    }

    [Fact]
    public void GrpcMetadata_Add_ReservedOrInvalidKeysRejected()
    {
        var metadata = new GrpcMetadata();

        Assert.Throws<ArgumentException>(() => metadata.Add("grpc-timeout", "1S"));
        Assert.Throws<ArgumentException>(() => metadata.Add("content-type", "x"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-data-bin", "text"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", new byte[] { 1 }));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-bad value", "x"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", "new\nline"));
    }

    [Fact]
    public void GrpcMetadata_Add_KeysLowerCasedAndLastValueWins()
    {
        var metadata = new GrpcMetadata().Add("X-Node", "a").Add("x-node", "b");

        Assert.Equal("b", metadata.GetValue("x-node"));
        Assert.Equal(["a", "b"], metadata.GetAll("X-NODE").Select(e => e.Value));
        Assert.All(metadata, e => Assert.Equal("x-node", e.Key));
    }
}
