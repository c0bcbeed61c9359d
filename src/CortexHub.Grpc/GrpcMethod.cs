using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// Describes one method of a service for both sides: its shape, names and the parsers of its messages.
/// The client uses it to call; the server can register a handler for it.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Describes a method.</summary>
    /// <param name="type">The method's shape.</param>
    /// <param name="serviceName">The full service name, such as <c>cortexhub.v1.NodeLink</c>.</param>
    /// <param name="name">The method name, such as <c>Connect</c>.</param>
    /// <param name="requestParser">Parser of the request message.</param>
    /// <param name="responseParser">Parser of the response message.</param>
    public GrpcMethod(
        GrpcMethodType type,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser)
    {
        GrpcNames.ValidateServiceName(serviceName);
        GrpcNames.ValidateMethodName(name);
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(responseParser);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        Path = GrpcNames.MethodPath(serviceName, name);
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    /// <summary>The method's shape.</summary>
    public GrpcMethodType Type { get; }

    /// <summary>The full service name.</summary>
    public string ServiceName { get; }

    /// <summary>The method name.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 path of the method: <c>/{ServiceName}/{Name}</c>.</summary>
    public string Path { get; }

    /// <summary>Parser of the request message.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parser of the response message.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => Path;
}
