namespace CortexHub.Grpc;

/// <summary>A method of a <see cref="GrpcServiceDefinition"/>: its names, shape and handler.</summary>
public abstract class GrpcServerMethod
{
    private protected GrpcServerMethod(string serviceName, string name, GrpcMethodType type)
    {
        GrpcNames.ValidateMethodName(name);
        ServiceName = serviceName;
        Name = name;
        Type = type;
        Path = GrpcNames.MethodPath(serviceName, name);
    }

    /// <summary>The full service name.</summary>
    public string ServiceName { get; }

    /// <summary>The method name.</summary>
    public string Name { get; }

    /// <summary>The method's shape.</summary>
    public GrpcMethodType Type { get; }

    /// <summary>The request path, <c>/{ServiceName}/{Name}</c>.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Path}";

    /// <summary>Reads the request, runs the handler and writes the response messages (not the status).</summary>
    internal abstract Task InvokeAsync(GrpcServerCall call);
}
