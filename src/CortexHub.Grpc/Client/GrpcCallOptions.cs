namespace CortexHub.Grpc;

/// <summary>Per-call settings: metadata, deadline and cancellation.</summary>
public sealed class GrpcCallOptions
{
    /// <summary>Request metadata sent as headers.</summary>
    public GrpcMetadata? Headers { get; init; }

    /// <summary>
    /// When the call must be over. Sent to the server as grpc-timeout and enforced locally: past it the
    /// call ends with DEADLINE_EXCEEDED.
    /// </summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>A deadline relative to the start of the call; the earlier of this and <see cref="Deadline"/> applies.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Cancels the call (status CANCELLED); the server sees the stream reset.</summary>
    public CancellationToken CancellationToken { get; init; }
}
