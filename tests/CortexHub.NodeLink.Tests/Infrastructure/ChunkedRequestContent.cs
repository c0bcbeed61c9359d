using System.Net;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// A request body written as the given chunks, each flushed on its own (so a frame can arrive split
/// across many tiny DATA frames), optionally held open until a signal; no content type header when
/// <c>contentType</c> is null.
/// </summary>
public sealed class ChunkedRequestContent : HttpContent
{
    private readonly IReadOnlyList<byte[]> _chunks;
    private readonly Task? _holdOpenUntil;
    private readonly TaskCompletionSource? _bodySent;

    public ChunkedRequestContent(IReadOnlyList<byte[]> chunks, string? contentType, Task? holdOpenUntil = null, TaskCompletionSource? bodySent = null)
    {
        _chunks = chunks;
        _holdOpenUntil = holdOpenUntil;
        _bodySent = bodySent;
        if (contentType is not null)
        {
            Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            // HTTP/2 request headers leave only with the first flush.
            await stream.FlushAsync(cancellationToken);
            foreach (var chunk in _chunks)
            {
                await stream.WriteAsync(chunk, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            _bodySent?.TrySetResult();
            if (_holdOpenUntil is not null)
            {
                await _holdOpenUntil.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream is over: the server answered before the body was done (HttpClient then
            // abandons the body), or the caller reset it. Failing here would race the server's
            // answer inside HttpClient and sometimes hide it; a reset surfaces from SendAsync anyway.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
