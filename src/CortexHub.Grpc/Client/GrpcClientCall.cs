using System.IO.Pipelines;
using System.Net;
using System.Net.Http;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// The client side of one call, whatever its shape: sends the request, reads response frames and
/// settles the call's status exactly once, from the trailers, from a trailers-only response, from a
/// protocol violation, or locally (deadline, cancellation, dispose, transport failure).
/// </summary>
internal sealed partial class GrpcClientCall<TRequest, TResponse> : IGrpcRequestStreamOwner, IGrpcClientCallState
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const int ReasonNone = 0;
    private const int ReasonDeadline = 1;
    private const int ReasonCancelled = 2;
    private const int ReasonDisposed = 3;

    private static readonly StreamPipeReaderOptions ResponseReaderOptions = new(
        bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: false, useZeroByteReads: true);

    private readonly GrpcChannel _channel;
    private readonly GrpcMethod<TRequest, TResponse> _method;
    private readonly GrpcCallOptions _options;
    private readonly CancellationTokenSource _callCts = new();
    private readonly TaskCompletionSource<GrpcMetadata> _headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sync = new();
    private CancellationTokenRegistration _userRegistration;
    private ITimer? _deadlineTimer;
    private Task<bool> _responseStart = Task.FromResult(false);
    private HttpResponseMessage? _response;
    private PipeReader? _responseReader;
    private string? _responseEncoding;
    private GrpcStatus? _status;
    private GrpcMetadata? _trailers;
    private int _cancelReason;
    private int _disposed;

    public GrpcClientCall(GrpcChannel channel, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options)
    {
        _channel = channel;
        _method = method;
        _options = options ?? new GrpcCallOptions();
    }

    public GrpcStreamingRequestContent<TRequest>? RequestStream { get; private set; }

    /// <summary>Set by the unary-response shapes, so a failed write can report the call's status.</summary>
    public Task<TResponse>? UnaryResponse { get; set; }

    public CancellationToken CallToken => _callCts.Token;

    public int MaxSendMessageSize => _channel.Options.MaxSendMessageSize;

    public Task<GrpcMetadata> ResponseHeadersAsync => _headersTcs.Task;

    /// <summary>Sends the request: with <paramref name="request"/> for unary and server streaming, else a streaming body.</summary>
    public void Start(TRequest? request)
    {
        var timeProvider = _channel.Options.TimeProvider;
        TimeSpan? timeout = null;
        var deadline = _options.Deadline;
        if (_options.Timeout is { } relative)
        {
            var fromTimeout = timeProvider.GetUtcNow() + relative;
            deadline = deadline is null || fromTimeout < deadline ? fromTimeout : deadline;
        }

        if (deadline is { } d)
        {
            timeout = d - timeProvider.GetUtcNow();
            if (timeout <= TimeSpan.Zero)
            {
                SetStatus(new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started."), null);
                return;
            }
        }

        if (_options.CancellationToken.IsCancellationRequested)
        {
            SetStatus(new GrpcStatus(StatusCode.Cancelled, "Call cancelled before it started."), null);
            return;
        }

        HttpContent content;
        if (request is not null)
        {
            var size = request.CalculateSize();
            if (size > MaxSendMessageSize)
            {
                SetStatus(new GrpcStatus(
                    StatusCode.ResourceExhausted,
                    $"Sending message exceeds the maximum configured message size ({size} > {MaxSendMessageSize} bytes)."), null);
                return;
            }

            content = new GrpcUnaryRequestContent(request, size);
        }
        else
        {
            RequestStream = new GrpcStreamingRequestContent<TRequest>(this);
            content = RequestStream;
        }

        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.Path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation("User-Agent", GrpcChannel.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);
        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
            _deadlineTimer = timeProvider.CreateTimer(
                static state => ((GrpcClientCall<TRequest, TResponse>)state!).Cancel(ReasonDeadline),
                this, t, Timeout.InfiniteTimeSpan);
        }

        if (_options.Headers is { } metadata)
        {
            GrpcHeaderMetadata.AddToRequest(metadata, headers);
        }

        if (_options.CancellationToken.CanBeCanceled)
        {
            _userRegistration = _options.CancellationToken.UnsafeRegister(
                static state => ((GrpcClientCall<TRequest, TResponse>)state!).Cancel(ReasonCancelled), this);
        }

        _responseStart = ReceiveResponseStartAsync(_channel.Invoker.SendAsync(message, _callCts.Token));
    }

    public GrpcStatus GetStatus()
    {
        lock (_sync)
        {
            return _status ?? throw new InvalidOperationException("The call has not completed yet; its status is not known.");
        }
    }

    public GrpcMetadata GetTrailers()
    {
        lock (_sync)
        {
            if (_status is null)
            {
                throw new InvalidOperationException("The call has not completed yet; its trailers are not known.");
            }

            return _trailers ?? new GrpcMetadata();
        }
    }

    public void FailLocally(GrpcStatus status) => SetStatus(status, null);

    public void CancelByCaller() => Cancel(ReasonCancelled);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Cancel(ReasonDisposed);
        _deadlineTimer?.Dispose();
        _userRegistration.Dispose();
        ReleaseResponse();
        RequestStream?.Stop();

        // _callCts has no timer and stays undisposed on purpose: a response task still finishing may read its token.
    }

    /// <summary>Settles the status; the first one wins unless <paramref name="force"/>. A failure resets the stream.</summary>
    private void SetStatus(GrpcStatus status, GrpcMetadata? trailers, bool force = false)
    {
        lock (_sync)
        {
            if (_status is not null && !force)
            {
                return;
            }

            _status = status;
            _trailers = trailers;
        }

        _headersTcs.TrySetException(new GrpcStatusException(status, trailers));

        // Nobody may ask for the headers of a failed call: mark the exception observed.
        _ = _headersTcs.Task.Exception;
        RequestStream?.Stop();
        _deadlineTimer?.Dispose();
        if (status.Code != StatusCode.OK)
        {
            CancelTransport();
        }
    }

    private void Cancel(int reason)
    {
        if (Interlocked.CompareExchange(ref _cancelReason, reason, ReasonNone) != ReasonNone)
        {
            return;
        }

        var status = reason switch
        {
            ReasonDeadline => new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded."),
            ReasonDisposed => new GrpcStatus(StatusCode.Cancelled, "Call disposed before it completed."),
            _ => new GrpcStatus(StatusCode.Cancelled, "Call cancelled by the client."),
        };
        SetStatus(status, null);
    }

    private void CancelTransport()
    {
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the request is gone with it.
        }
    }

    private void ThrowIfFailed()
    {
        lock (_sync)
        {
            if (_status is { } status && status.Code != StatusCode.OK)
            {
                throw new GrpcStatusException(status, _trailers);
            }
        }
    }
}
