using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A service to serve: its full name and a handler per method. Map it with
/// <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService"/>.
/// </summary>
/// <example>
/// <code>
/// var service = new GrpcServiceDefinition("cortexhub.v1.NodeLink")
///     .AddUnary("Ping", PingRequest.Parser, (request, context) => Task.FromResult(new PingReply()))
///     .AddDuplexStreaming&lt;Frame, Frame&gt;("Connect", Frame.Parser, ConnectAsync);
/// </code>
/// </example>
public sealed class GrpcServiceDefinition
{
    private readonly Dictionary<string, GrpcServerMethod> _methods = new(StringComparer.Ordinal);

    /// <summary>Starts a definition for the service named <paramref name="serviceName"/> (package included).</summary>
    public GrpcServiceDefinition(string serviceName)
    {
        GrpcNames.ValidateServiceName(serviceName);
        ServiceName = serviceName;
    }

    /// <summary>The full service name, such as <c>cortexhub.v1.NodeLink</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The methods added so far.</summary>
    public IReadOnlyCollection<GrpcServerMethod> Methods => _methods.Values;

    /// <summary>Adds a unary method.</summary>
    public GrpcServiceDefinition AddUnary<TRequest, TResponse>(
        string name, MessageParser<TRequest> requestParser, GrpcUnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new GrpcUnaryServerMethod<TRequest, TResponse>(ServiceName, name, requestParser, handler));
    }

    /// <summary>Adds a server-streaming method.</summary>
    public GrpcServiceDefinition AddServerStreaming<TRequest, TResponse>(
        string name, MessageParser<TRequest> requestParser, GrpcServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new GrpcServerStreamingServerMethod<TRequest, TResponse>(ServiceName, name, requestParser, handler));
    }

    /// <summary>Adds a client-streaming method.</summary>
    public GrpcServiceDefinition AddClientStreaming<TRequest, TResponse>(
        string name, MessageParser<TRequest> requestParser, GrpcClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new GrpcClientStreamingServerMethod<TRequest, TResponse>(ServiceName, name, requestParser, handler));
    }

    /// <summary>Adds a duplex-streaming method.</summary>
    public GrpcServiceDefinition AddDuplexStreaming<TRequest, TResponse>(
        string name, MessageParser<TRequest> requestParser, GrpcDuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new GrpcDuplexStreamingServerMethod<TRequest, TResponse>(ServiceName, name, requestParser, handler));
    }

    /// <summary>Adds a unary method from its shared descriptor.</summary>
    public GrpcServiceDefinition AddUnary<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcUnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        AddUnary(NameOf(method, GrpcMethodType.Unary), method.RequestParser, handler);

    /// <summary>Adds a server-streaming method from its shared descriptor.</summary>
    public GrpcServiceDefinition AddServerStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        AddServerStreaming(NameOf(method, GrpcMethodType.ServerStreaming), method.RequestParser, handler);

    /// <summary>Adds a client-streaming method from its shared descriptor.</summary>
    public GrpcServiceDefinition AddClientStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        AddClientStreaming(NameOf(method, GrpcMethodType.ClientStreaming), method.RequestParser, handler);

    /// <summary>Adds a duplex-streaming method from its shared descriptor.</summary>
    public GrpcServiceDefinition AddDuplexStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcDuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        AddDuplexStreaming(NameOf(method, GrpcMethodType.DuplexStreaming), method.RequestParser, handler);

    private string NameOf<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcMethodType expectedType)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!string.Equals(method.ServiceName, ServiceName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Method {method.Path} belongs to service '{method.ServiceName}', not '{ServiceName}'.", nameof(method));
        }

        if (method.Type != expectedType)
        {
            throw new ArgumentException($"Method {method.Path} is {method.Type}, not {expectedType}.", nameof(method));
        }

        return method.Name;
    }

    private GrpcServiceDefinition Add(GrpcServerMethod method)
    {
        if (!_methods.TryAdd(method.Name, method))
        {
            throw new InvalidOperationException($"Service '{ServiceName}' already has a method named '{method.Name}'.");
        }

        return this;
    }
}
