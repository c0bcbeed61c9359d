using System.Net;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>
/// A request body written as the given chunks, each flushed on its own (so a frame can arrive split
/// across many tiny DATA frames), optionally held open until a signal.
/// </summary>
public sealed class ChunkedRequestContent : HttpContent
{
    private readonly IReadOnlyList<byte[]> _chunks;
    private readonly Task? _holdOpenUntil;

    public ChunkedRequestContent(IReadOnlyList<byte[]> chunks, string contentType, Task? holdOpenUntil = null)
    {
        _chunks = chunks;
        _holdOpenUntil = holdOpenUntil;
        Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // HTTP/2 request headers leave only with the first flush.
        await stream.FlushAsync(cancellationToken);
        foreach (var chunk in _chunks)
        {
            await stream.WriteAsync(chunk, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        if (_holdOpenUntil is not null)
        {
            await _holdOpenUntil.WaitAsync(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
