using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// The body of a client-streaming or duplex request. HttpClient calls <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/>
/// once; it hands the request stream to the writer and stays pending until the stream is completed.
/// Each message is written and flushed by <see cref="WriteAsync"/>; the flush waits for HTTP/2 flow control.
/// </summary>
internal sealed class GrpcStreamingRequestContent<T> : HttpContent, IGrpcClientStreamWriter<T>
    where T : IMessage
{
    private readonly IGrpcRequestStreamOwner _owner;
    private readonly TaskCompletionSource<Stream> _streamTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completeTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writing;
    private volatile bool _completedByUser;

    public GrpcStreamingRequestContent(IGrpcRequestStreamOwner owner)
    {
        _owner = owner;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completedByUser)
        {
            throw new InvalidOperationException("The request stream has already been completed; no more messages can be written.");
        }

        if (_owner.GetCompletedCallException() is { } completed)
        {
            throw completed;
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A previous write is still in progress; await each WriteAsync before the next.");
        }

        byte[]? buffer = null;

        // Cancelling a write cancels the call: a frame cut off half-way would break the stream anyway.
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((IGrpcRequestStreamOwner)state!).CancelByCaller(), _owner)
            : default;
        try
        {
            var size = message.CalculateSize();
            if (size > _owner.MaxSendMessageSize)
            {
                var status = new GrpcStatus(
                    StatusCode.ResourceExhausted,
                    $"Sending message exceeds the maximum configured message size ({size} > {_owner.MaxSendMessageSize} bytes).");
                _owner.FailLocally(status);
                throw new GrpcStatusException(status);
            }

            var token = _owner.CallToken;
            var length = GrpcProtocol.FrameHeaderSize + size;
            buffer = ArrayPool<byte>.Shared.Rent(length);
            GrpcFraming.WriteMessage(buffer.AsSpan(0, length), message, size);
            try
            {
                var stream = await _streamTcs.Task.WaitAsync(token).ConfigureAwait(false);
                await stream.WriteAsync(buffer.AsMemory(0, length), token).ConfigureAwait(false);
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not GrpcStatusException)
            {
                // The stream went away under the write: the server ended the call first, or the call was
                // cancelled. The call's status says which, so report that rather than a transport error.
                throw await _owner.GetWriteFailureAsync(ex).ConfigureAwait(false);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Volatile.Write(ref _writing, 0);
        }
    }

    public Task CompleteAsync()
    {
        _completedByUser = true;
        _completeTcs.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>The call is over: release a pending body and fail waiting writers.</summary>
    public void Stop()
    {
        _streamTcs.TrySetCanceled();
        _completeTcs.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // HTTP/2 request headers go out only with the first flush of the body: flush now so the server
        // sees the call before the first message (or without any message).
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _streamTcs.TrySetResult(stream);
        await _completeTcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
        }

        base.Dispose(disposing);
    }
}
