using System.IO.Pipelines;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;

namespace CortexHub.Grpc;

/// <summary>Receiving: response headers, message frames and the status in the trailers.</summary>
internal sealed partial class GrpcClientCall<TRequest, TResponse>
{
    /// <summary>
    /// The next response message; null when the response ended with OK. Any other end throws
    /// <see cref="GrpcStatusException"/> with the call's status.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        if (!await _responseStart.ConfigureAwait(false) || _status is not null)
        {
            ThrowIfFailed();
            return null;
        }

        // Cancelling a read cancels the call, as in other gRPC clients.
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcClientCall<TRequest, TResponse>)state!).CancelByCaller(), this)
            : default;
        try
        {
            var message = await GrpcMessageReader.ReadMessageAsync(
                _responseReader!, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, _responseEncoding, _callCts.Token)
                .ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }

            SetStatusFromTrailers(_response!);
        }
        catch (GrpcStatusException ex)
        {
            // The response broke the protocol (or a limit): the call fails here and its stream is reset.
            SetStatus(ex.Status, null);
        }
        catch (Exception ex)
        {
            SetStatus(StatusFromException(ex), null);
        }

        ReleaseResponse();
        ThrowIfFailed();
        return null;
    }

    /// <summary>Reads the single message of a unary or client-streaming response, then the status.</summary>
    public async Task<TResponse> ReadUnaryResponseAsync()
    {
        try
        {
            var message = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
            if (message is null)
            {
                SetStatus(new GrpcStatus(StatusCode.Internal, "Failed to read the response: the call ended with OK but without a message."), null, force: true);
                ThrowIfFailed();
            }

            var extra = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
            if (extra is not null)
            {
                SetStatus(new GrpcStatus(StatusCode.Internal, "The response carried more than one message for a method that returns one."), null);
                ThrowIfFailed();
            }

            return message!;
        }
        finally
        {
            ReleaseResponse();
        }
    }

    private async Task<bool> ReceiveResponseStartAsync(Task<HttpResponseMessage> sendTask)
    {
        HttpResponseMessage response;
        try
        {
            response = await sendTask.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SetStatus(StatusFromException(ex), null);
            return false;
        }

        lock (_sync)
        {
            _response = response;
        }

        if (Volatile.Read(ref _disposed) == 1)
        {
            ReleaseResponse();
            return false;
        }

        var headers = GrpcHeaderMetadata.FromHttpHeaders(response.Headers);
        if (TryGetHeader(response.Headers, GrpcProtocol.StatusHeader, out _))
        {
            // Trailers-only: the status (and any trailers) came in the only HEADERS frame.
            _headersTcs.TrySetResult(headers);
            SetStatusFromTrailers(response, response.Headers, headers);
            return false;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            SetStatus(new GrpcStatus(
                GrpcProtocol.StatusFromHttp(response.StatusCode),
                $"Bad gRPC response: HTTP status code {(int)response.StatusCode}."), headers);
            return false;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            SetStatus(new GrpcStatus(StatusCode.Internal, $"Bad gRPC response: content-type '{contentType}' is not gRPC."), headers);
            return false;
        }

        _responseEncoding = TryGetHeader(response.Headers, GrpcProtocol.EncodingHeader, out var encoding) ? encoding : null;
        _headersTcs.TrySetResult(headers);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(_callCts.Token).ConfigureAwait(false);
            _responseReader = PipeReader.Create(stream, ResponseReaderOptions);
            return true;
        }
        catch (Exception ex)
        {
            SetStatus(StatusFromException(ex), null);
            return false;
        }
    }

    private void SetStatusFromTrailers(HttpResponseMessage response)
    {
        var trailers = GrpcHeaderMetadata.FromHttpHeaders(response.TrailingHeaders);
        SetStatusFromTrailers(response, response.TrailingHeaders, trailers);
    }

    private void SetStatusFromTrailers(HttpResponseMessage response, System.Net.Http.Headers.HttpHeaders source, GrpcMetadata trailers)
    {
        if (!TryGetHeader(source, GrpcProtocol.StatusHeader, out var statusValue))
        {
            SetStatus(new GrpcStatus(StatusCode.Internal, $"No grpc-status found on response (HTTP status {(int)response.StatusCode})."), trailers);
            return;
        }

        if (GrpcProtocol.ParseStatus(statusValue) is not { } code)
        {
            SetStatus(new GrpcStatus(StatusCode.Internal, $"Unexpected grpc-status value '{statusValue}'."), trailers);
            return;
        }

        var detail = TryGetHeader(source, GrpcProtocol.MessageHeader, out var message) ? GrpcPercentEncoding.Decode(message) : string.Empty;
        SetStatus(new GrpcStatus(code, detail), trailers);
    }

    private void ReleaseResponse()
    {
        PipeReader? reader;
        HttpResponseMessage? response;
        lock (_sync)
        {
            reader = _responseReader;
            response = _response;
            _responseReader = null;
        }

        reader?.Complete();
        response?.Dispose();
    }

    private static bool TryGetHeader(System.Net.Http.Headers.HttpHeaders headers, string name, out string value)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            value = values.ToString();
            return true;
        }

        value = string.Empty;
        return false;
    }
}
