using System.IO.Pipelines;
using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>The frame reader shared by server and client, fed byte sequences directly.</summary>
public sealed class GrpcMessageReaderTests
{
    [Fact]
    public void TryReadMessage_FrameInOneByteSegments_ParsesAndSlicesOff()
    {
        var bytes = RawFrames.Concat(RawFrames.Frame(new EchoRequest { Text = "one" }), RawFrames.Frame(new EchoRequest { Text = "two" }));
        var buffer = SequenceBuilder.FromChunks(RawFrames.Split(bytes, 1));

        Assert.True(GrpcMessageReader.TryReadMessage(ref buffer, EchoRequest.Parser, 1024, null, out var first));
        Assert.True(GrpcMessageReader.TryReadMessage(ref buffer, EchoRequest.Parser, 1024, null, out var second));

        Assert.Equal("one", first!.Text);
        Assert.Equal("two", second!.Text);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryReadMessage_EveryPrefixOfAFrame_WaitsForMore()
    {
        var frame = RawFrames.Frame(new EchoRequest { Text = "prefix" });
        for (var length = 0; length < frame.Length; length++)
        {
            var buffer = SequenceBuilder.FromChunks(RawFrames.Split(frame[..length], 2));

            Assert.False(GrpcMessageReader.TryReadMessage(ref buffer, EchoRequest.Parser, 1024, null, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void TryReadMessage_DeclaredLengthOverLimit_ResourceExhaustedFromHeaderAlone()
    {
        var buffer = SequenceBuilder.FromChunks([RawFrames.Frame([], declaredLength: 2048)]);

        var ex = Assert.Throws<GrpcStatusException>(() =>
            GrpcMessageReader.TryReadMessage(ref buffer, EchoRequest.Parser, 1024, null, out _));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Theory]
    [InlineData(1, null, "no grpc-encoding was negotiated")]
    [InlineData(1, "identity", "grpc-encoding 'identity'")]
    [InlineData(1, "gzip", "'gzip', which is not supported")]
    [InlineData(2, null, "Unexpected compressed flag value 2")]
    public void TryReadMessage_CompressedFlag_Internal(byte flag, string? encoding, string expected)
    {
        var buffer = SequenceBuilder.FromChunks([RawFrames.Frame([0x0A, 0x00], compressedFlag: flag)]);

        var ex = Assert.Throws<GrpcStatusException>(() =>
            GrpcMessageReader.TryReadMessage(ref buffer, EchoRequest.Parser, 1024, encoding, out _));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains(expected, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadMessageAsync_WritesOfOneByte_ReadsEachMessageThenEnd()
    {
        var pipe = new Pipe();
        var bytes = RawFrames.Concat(RawFrames.Frame(new EchoRequest { Text = "a" }), RawFrames.Frame([]));
        var writer = Task.Run(async () =>
        {
            foreach (var b in bytes)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var first = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, null, CancellationToken.None);
        var second = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, null, CancellationToken.None);
        var end = await GrpcMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, null, CancellationToken.None);
        await writer;

        Assert.Equal("a", first!.Text);
        Assert.Equal(new EchoRequest(), second);
        Assert.Null(end);
    }

    [Fact]
    public async Task ReadMessageAsync_StreamEndsInsidePayload_InternalIncomplete()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawFrames.Frame(new EchoRequest { Text = "abcdef" })[..^2]);
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
            await GrpcMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, null, CancellationToken.None));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("Incomplete message", ex.Detail, StringComparison.Ordinal);
    }
}
