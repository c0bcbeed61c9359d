using System.Net.Http;
using System.Net.Security;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace CortexHub.Grpc;

/// <summary>
/// A connection pool to one gRPC server (http:// for cleartext HTTP/2 with prior knowledge, https://
/// for TLS with ALPN h2) and the entry point for calls. Thread-safe; create one per server and reuse it.
/// </summary>
/// <example>
/// <code>
/// using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5000");
/// var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "hi" },
///     new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(5) });
/// </code>
/// </example>
public sealed class GrpcChannel : IDisposable
{
    internal const string UserAgent = "cortexhub-grpc/1.0";

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        Invoker = options.HttpHandler is { } handler
            ? new HttpMessageInvoker(handler, disposeHandler: false)
            : new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
    }

    /// <summary>The server's address (scheme, host and port).</summary>
    public Uri Address { get; }

    /// <summary>The channel's settings.</summary>
    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    /// <summary>Creates a channel to <paramref name="address"/>, such as <c>http://127.0.0.1:5000</c>.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <summary>Creates a channel to <paramref name="address"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must use http:// or https://.", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        var result = new GrpcChannelOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(GrpcChannelOptions), typeof(GrpcChannelOptions), result.Failures);
        }

        return new GrpcChannel(new Uri(address.GetLeftPart(UriPartial.Authority)), options);
    }

    /// <summary>Starts a unary call.</summary>
    public GrpcUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = CreateCall(method, GrpcMethodType.Unary, options);
        call.Start(request);
        var response = call.ReadUnaryResponseAsync();
        call.UnaryResponse = response;
        return new GrpcUnaryCall<TResponse>(call, response);
    }

    /// <summary>Makes a unary call and returns its response; a non-OK status throws <see cref="GrpcStatusException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var call = AsyncUnaryCall(method, request, options);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>Starts a server-streaming call.</summary>
    public GrpcServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = CreateCall(method, GrpcMethodType.ServerStreaming, options);
        call.Start(request);
        return new GrpcServerStreamingCall<TResponse>(call, new GrpcClientResponseStream<TRequest, TResponse>(call));
    }

    /// <summary>Starts a client-streaming call.</summary>
    public GrpcClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = CreateCall(method, GrpcMethodType.ClientStreaming, options);
        call.Start(request: null);
        var response = call.ReadUnaryResponseAsync();
        call.UnaryResponse = response;
        return new GrpcClientStreamingCall<TRequest, TResponse>(call, RequestStreamOf(call), response);
    }

    /// <summary>Starts a duplex-streaming call.</summary>
    public GrpcDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = CreateCall(method, GrpcMethodType.DuplexStreaming, options);
        call.Start(request: null);
        return new GrpcDuplexStreamingCall<TRequest, TResponse>(
            call, RequestStreamOf(call), new GrpcClientResponseStream<TRequest, TResponse>(call));
    }

    /// <summary>Closes the channel's connections; calls still running fail.</summary>
    public void Dispose() => Invoker.Dispose();

    private GrpcClientCall<TRequest, TResponse> CreateCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcMethodType expectedType, GrpcCallOptions? options)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expectedType)
        {
            throw new ArgumentException($"Method {method.Path} is {method.Type}; it cannot be called as {expectedType}.", nameof(method));
        }

        return new GrpcClientCall<TRequest, TResponse>(this, method, options);
    }

    private static IGrpcClientStreamWriter<TRequest> RequestStreamOf<TRequest, TResponse>(GrpcClientCall<TRequest, TResponse> call)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        (IGrpcClientStreamWriter<TRequest>?)call.RequestStream ?? new GrpcFailedRequestStream<TRequest>(call);

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One HTTP/2 connection carries at most the server's MaxConcurrentStreams (Kestrel: 100) calls.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = options.KeepAlivePingDelay ?? Timeout.InfiniteTimeSpan,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        handler.SslOptions.ApplicationProtocols = [SslApplicationProtocol.Http2];
        if (options.DangerousAcceptAnyServerCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (options.TrustedServerCertificate is { } trusted)
        {
            var trustedHash = trusted.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (certificate is not null && certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(trustedHash));
        }

        return handler;
    }
}
