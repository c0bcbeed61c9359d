using System.Net.Http;

namespace CortexHub.Grpc;

/// <summary>Turning failures (transport, protocol, failed writes) into the call's status.</summary>
internal sealed partial class GrpcClientCall<TRequest, TResponse>
{
    public Exception? GetCompletedCallException()
    {
        lock (_sync)
        {
            if (_status is not { } status)
            {
                return null;
            }

            return status.Code == StatusCode.OK
                ? new InvalidOperationException("The call is complete; no more messages can be written.")
                : new GrpcStatusException(status, _trailers);
        }
    }

    public async Task<Exception> GetWriteFailureAsync(Exception writeException)
    {
        if (GetCompletedCallException() is { } known)
        {
            return known;
        }

        // The server may have answered already (trailers-only, or the whole unary response).
        await _responseStart.ConfigureAwait(false);
        if (UnaryResponse is { } unary)
        {
            try
            {
                await unary.ConfigureAwait(false);
            }
            catch (GrpcStatusException ex)
            {
                return ex;
            }
        }

        return GetCompletedCallException()
            ?? new InvalidOperationException("The request stream was closed by the server; read the response for the call's status.", writeException);
    }

    private GrpcStatus StatusFromException(Exception exception)
    {
        lock (_sync)
        {
            if (_status is { } settled)
            {
                return settled;
            }
        }

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case GrpcStatusException statusException:
                    return statusException.Status;
                case HttpProtocolException protocol:
                    return new GrpcStatus(
                        GrpcProtocol.StatusFromHttp2Error(protocol.ErrorCode),
                        $"The HTTP/2 stream was reset (error code 0x{protocol.ErrorCode:x}): {protocol.Message}");
                case HttpRequestException request when request.HttpRequestError is HttpRequestError.ConnectionError
                    or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError:
                    return new GrpcStatus(StatusCode.Unavailable, $"Error connecting to {_channel.Address}: {request.Message}");
            }
        }

        return exception switch
        {
            OperationCanceledException => new GrpcStatus(StatusCode.Cancelled, "Call cancelled."),
            HttpRequestException or IOException => new GrpcStatus(StatusCode.Unavailable, $"Error in the gRPC call's transport: {exception.Message}"),
            _ => new GrpcStatus(StatusCode.Internal, $"Error in the gRPC call: {exception.GetType().Name}: {exception.Message}"),
        };
    }
}
