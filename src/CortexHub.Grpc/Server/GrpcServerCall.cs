using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Grpc;

/// <summary>
/// The server side of one call: reads request frames, writes response frames and ends the call with
/// its status exactly once. A write lock orders message writes against the final status, because the
/// deadline timer may end the call while the handler is still writing.
/// </summary>
internal sealed class GrpcServerCall : IAsyncDisposable
{
    private readonly GrpcServerRuntime _runtime;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _callCts = new();
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenRegistration _abortRegistration;
    private readonly CancellationTokenRegistration _deadlineRegistration;
    private Task _deadlineTask = Task.CompletedTask;
    private bool _completed;
    private int _deadlineExceeded;

    public GrpcServerCall(HttpContext httpContext, GrpcServerMethod method, GrpcServerRuntime runtime, TimeSpan? timeout, string? messageEncoding)
    {
        HttpContext = httpContext;
        Method = method;
        _runtime = runtime;
        MessageEncoding = messageEncoding;
        Context = new GrpcServerCallContext(this);

        _abortRegistration = httpContext.RequestAborted.UnsafeRegister(
            static state => ((GrpcServerCall)state!).CancelCall(), this);

        if (timeout is { } t)
        {
            Deadline = runtime.TimeProvider.GetUtcNow() + t;
            _deadlineCts = new CancellationTokenSource(t, runtime.TimeProvider);
            _deadlineRegistration = _deadlineCts.Token.UnsafeRegister(
                static state => ((GrpcServerCall)state!).OnDeadline(), this);
        }
    }

    public HttpContext HttpContext { get; }

    public GrpcServerMethod Method { get; }

    public GrpcServerCallContext Context { get; }

    public GrpcServerOptions Options => _runtime.Options;

    public string? MessageEncoding { get; }

    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the deadline passes, the client resets the stream, or the call is over.</summary>
    public CancellationToken CancellationToken => _callCts.Token;

    public bool DeadlineExceeded => Volatile.Read(ref _deadlineExceeded) == 1;

    public ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T> =>
        GrpcMessageReader.ReadMessageAsync(
            HttpContext.Request.BodyReader, parser, Options.MaxReceiveMessageSize, MessageEncoding, cancellationToken);

    /// <summary>Reads the one message of a unary or server-streaming request, then its end.</summary>
    public async ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var message = await ReadMessageAsync(parser, CancellationToken).ConfigureAwait(false)
            ?? throw new GrpcStatusException(
                StatusCode.Internal, "Incomplete message: the request ended without a message; this method takes exactly one.");

        // A unary request is complete only when the client half-closes; anything after the message breaks the contract.
        var reader = HttpContext.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken).ConfigureAwait(false);
            var hasMore = !result.Buffer.IsEmpty;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (hasMore)
            {
                throw new GrpcStatusException(
                    StatusCode.Internal, "Additional data after the message received; this method takes exactly one request message.");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Writes one response frame. With <paramref name="flush"/> false the frame stays buffered until the
    /// status is sent (used by unary responses: one DATA frame plus trailers).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        if (size > Options.MaxSendMessageSize)
        {
            throw new GrpcStatusException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {Options.MaxSendMessageSize} bytes).");
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            var response = HttpContext.Response;
            if (!response.HasStarted)
            {
                await response.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            var writer = response.BodyWriter;
            GrpcFraming.WriteMessage(writer, message, size);
            if (flush)
            {
                var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                ThrowIfFlushStopped(result);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task WriteResponseHeadersAsync(GrpcMetadata headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        await _writeLock.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            var response = HttpContext.Response;
            if (response.HasStarted)
            {
                throw new InvalidOperationException("Response headers have already been sent; they can be sent only once, before the first message.");
            }

            GrpcHeaderMetadata.AddToHeaderDictionary(headers, response.Headers);
            await response.StartAsync(CancellationToken).ConfigureAwait(false);

            // On HTTP/2, Kestrel sends the HEADERS frame only when the body is flushed.
            var result = await response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
            ThrowIfFlushStopped(result);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the call with <paramref name="status"/>: as trailers after the messages, or, when nothing was
    /// sent yet, as a trailers-only response (one HEADERS frame carrying the status). Only the first call counts.
    /// </summary>
    public async Task CompleteAsync(GrpcStatus status, GrpcMetadata? extraTrailers)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            var response = HttpContext.Response;
            if (HttpContext.RequestAborted.IsCancellationRequested)
            {
                // The stream is reset: there is nobody to send a status to.
                return;
            }

            if (!response.HasStarted)
            {
                GrpcServerResponses.SetStatusHeaders(response.Headers, status);
                GrpcHeaderMetadata.AddToHeaderDictionary(Context.ResponseTrailers, response.Headers);
                if (extraTrailers is not null)
                {
                    GrpcHeaderMetadata.AddToHeaderDictionary(extraTrailers, response.Headers);
                }
            }
            else
            {
                GrpcHeaderMetadata.AddToTrailers(Context.ResponseTrailers, response);
                if (extraTrailers is not null)
                {
                    GrpcHeaderMetadata.AddToTrailers(extraTrailers, response);
                }

                response.AppendTrailer(GrpcProtocol.StatusHeader, GrpcServerResponses.FormatStatusCode(status.Code));
                if (status.Detail.Length > 0)
                {
                    response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcPercentEncoding.Encode(status.Detail));
                }
            }

            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (HttpContext.RequestAborted.IsCancellationRequested || ex is IOException or ObjectDisposedException)
        {
            GrpcServerLog.CompletingAbortedCall(_runtime.Logger, Method.Path, ex);
        }
        finally
        {
            // The call is over either way: anything still running on its behalf stops now.
            CancelCall();
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing a registration waits for a callback that is running, so _deadlineTask is final after it.
        await _deadlineRegistration.DisposeAsync().ConfigureAwait(false);
        await _abortRegistration.DisposeAsync().ConfigureAwait(false);
        await _deadlineTask.ConfigureAwait(false);
        _deadlineCts?.Dispose();

        // _callCts (no timer) and the lock stay undisposed on purpose: work the handler left running may
        // still read the call's token after the call ended.
    }

    private void OnDeadline()
    {
        Volatile.Write(ref _deadlineExceeded, 1);
        GrpcServerLog.DeadlineExceeded(_runtime.Logger, Method.Path);

        // Cancel first so a write blocked on flow control lets go of the lock, then send the status
        // without waiting for the handler; its later writes fail.
        CancelCall();
        _deadlineTask = Task.Run(() => CompleteAsync(new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded."), extraTrailers: null));
    }

    private void CancelCall()
    {
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call was disposed first: nothing left to cancel.
        }
    }

    private void ThrowIfCompleted()
    {
        if (!_completed)
        {
            return;
        }

        if (DeadlineExceeded)
        {
            throw new OperationCanceledException("The call's deadline was exceeded; its status has been sent.", CancellationToken);
        }

        throw new InvalidOperationException("The call is complete; no more messages can be written.");
    }

    private void ThrowIfFlushStopped(FlushResult result)
    {
        if (result.IsCanceled || result.IsCompleted)
        {
            // IsCompleted: the client stopped reading (stream reset); IsCanceled: the flush was cancelled.
            throw new OperationCanceledException("The response stream is no longer being read.", CancellationToken);
        }
    }
}
