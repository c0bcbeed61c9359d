using Microsoft.AspNetCore.Http.Metadata;

namespace CortexHub.Grpc;

/// <summary>
/// Lets routing pick the UNIMPLEMENTED catch-all only for gRPC content types, so it never shadows
/// other POST endpoints of the application.
/// </summary>
internal sealed class GrpcAcceptsMetadata : IAcceptsMetadata
{
    public static GrpcAcceptsMetadata Instance { get; } = new();

    public IReadOnlyList<string> ContentTypes { get; } = [GrpcProtocol.ContentType, GrpcProtocol.ContentTypeProto];

    public Type? RequestType => null;

    public bool IsOptional => false;
}
