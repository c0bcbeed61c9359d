using System.Buffers;
using System.Net;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The body of a unary or server-streaming request: exactly one frame, written from a pooled buffer.</summary>
internal sealed class GrpcUnaryRequestContent : HttpContent
{
    private readonly IMessage _message;
    private readonly int _size;

    public GrpcUnaryRequestContent(IMessage message, int size)
    {
        _message = message;
        _size = size;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var length = GrpcProtocol.FrameHeaderSize + _size;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            GrpcFraming.WriteMessage(buffer.AsSpan(0, length), _message, _size);
            await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // Like other gRPC clients, send no content-length: the frames delimit themselves.
        length = 0;
        return false;
    }
}
