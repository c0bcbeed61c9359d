namespace CortexHub.Grpc;

/// <summary>
/// Limits and behaviour of the gRPC server. Registered by <c>AddGrpcServer</c> and checked at
/// start-up by <see cref="GrpcServerOptionsValidator"/>.
/// </summary>
public sealed class GrpcServerOptions
{
    /// <summary>Default of both message size limits: 4 MiB, as in other gRPC implementations.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Largest request message accepted, in bytes; a larger one ends the call with
    /// RESOURCE_EXHAUSTED as soon as its frame header arrives. Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// Largest response message a handler may send, in bytes; writing a larger one throws a
    /// RESOURCE_EXHAUSTED <see cref="GrpcStatusException"/>. Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// When true, the grpc-message of a handler's unexpected exception also carries the exception's
    /// message (not its stack). Default false: clients see only the error id, which is in the log.
    /// </summary>
    public bool IncludeExceptionDetails { get; set; }
}
