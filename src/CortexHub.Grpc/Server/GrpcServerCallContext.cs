using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Grpc;

/// <summary>
/// What a handler knows about its call, and how it shapes the response beyond messages:
/// headers, trailers and the final status.
/// </summary>
public sealed class GrpcServerCallContext
{
    private readonly GrpcServerCall _call;
    private GrpcMetadata? _requestHeaders;

    internal GrpcServerCallContext(GrpcServerCall call)
    {
        _call = call;
    }

    /// <summary>The method path, <c>/{service}/{method}</c>.</summary>
    public string Method => _call.Method.Path;

    /// <summary>The <c>:authority</c> the client called.</summary>
    public string Host => _call.HttpContext.Request.Host.Value ?? string.Empty;

    /// <summary>The client's address, as gRPC writes it: <c>ipv4:127.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer => FormatPeer(_call.HttpContext.Connection.RemoteIpAddress, _call.HttpContext.Connection.RemotePort);

    /// <summary>When the call must be over (from <c>grpc-timeout</c>), or null when the client set no deadline.</summary>
    public DateTimeOffset? Deadline => _call.Deadline;

    /// <summary>
    /// Cancelled when the deadline passes or the client cancels (resets the stream). Pass it on to
    /// everything the handler waits for.
    /// </summary>
    public CancellationToken CancellationToken => _call.CancellationToken;

    /// <summary>The request's metadata (custom headers; protocol headers are left out).</summary>
    public GrpcMetadata RequestHeaders => _requestHeaders ??= GrpcHeaderMetadata.FromHeaderDictionary(_call.HttpContext.Request.Headers);

    /// <summary>Trailers to send with the status at the end of the call.</summary>
    public GrpcMetadata ResponseTrailers { get; } = new();

    /// <summary>
    /// The status the call ends with when the handler returns normally. Default OK. A handler may instead
    /// throw <see cref="GrpcStatusException"/>. With a non-OK status a unary response message is not sent.
    /// </summary>
    public GrpcStatus Status { get; set; } = GrpcStatus.Ok;

    /// <summary>The underlying ASP.NET Core request.</summary>
    public HttpContext HttpContext => _call.HttpContext;

    /// <summary>
    /// Sends response headers now, before the first message (otherwise they go with the first message,
    /// or with the status when there is none). Can be called once.
    /// </summary>
    public Task WriteResponseHeadersAsync(GrpcMetadata responseHeaders) => _call.WriteResponseHeadersAsync(responseHeaders);

    private static string FormatPeer(IPAddress? address, int port)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{port}"
            : $"ipv4:{address}:{port}";
    }
}
