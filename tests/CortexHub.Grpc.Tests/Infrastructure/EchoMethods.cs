using CortexHub.Grpc.Tests.Protos;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>Descriptors of the test service's methods, shared by the server definition and the client.</summary>
public static class EchoMethods
{
    public const string ServiceName = "cortexhub.test.v1.Echo";

    public static readonly GrpcMethod<EchoRequest, EchoReply> Unary =
        new(GrpcMethodType.Unary, ServiceName, "Unary", EchoRequest.Parser, EchoReply.Parser);

    public static readonly GrpcMethod<EchoRequest, EchoReply> ServerStream =
        new(GrpcMethodType.ServerStreaming, ServiceName, "ServerStream", EchoRequest.Parser, EchoReply.Parser);

    public static readonly GrpcMethod<EchoRequest, EchoReply> ClientStream =
        new(GrpcMethodType.ClientStreaming, ServiceName, "ClientStream", EchoRequest.Parser, EchoReply.Parser);

    public static readonly GrpcMethod<EchoRequest, EchoReply> Duplex =
        new(GrpcMethodType.DuplexStreaming, ServiceName, "Duplex", EchoRequest.Parser, EchoReply.Parser);

    public static readonly GrpcMethod<WaitRequest, EchoReply> Wait =
        new(GrpcMethodType.Unary, ServiceName, "Wait", WaitRequest.Parser, EchoReply.Parser);

    /// <summary>Not implemented by the server: a known service, an unknown method.</summary>
    public static readonly GrpcMethod<EchoRequest, EchoReply> Missing =
        new(GrpcMethodType.Unary, ServiceName, "Missing", EchoRequest.Parser, EchoReply.Parser);

    /// <summary>A plain endpoint of the test host that sends headers and never answers, ignoring grpc-timeout.</summary>
    public static readonly GrpcMethod<EchoRequest, EchoReply> Hang =
        new(GrpcMethodType.Unary, "cortexhub.test.v1.Hang", "Forever", EchoRequest.Parser, EchoReply.Parser);
}
