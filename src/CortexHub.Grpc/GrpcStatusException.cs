namespace CortexHub.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by the client when a call fails, and thrown by a
/// server handler to end its call with that status.
/// </summary>
public sealed class GrpcStatusException : Exception
{
    /// <summary>Creates the exception for <paramref name="statusCode"/> with <paramref name="detail"/>.</summary>
    public GrpcStatusException(StatusCode statusCode, string detail)
        : this(new GrpcStatus(statusCode, detail), trailers: null, innerException: null)
    {
    }

    /// <summary>Creates the exception for <paramref name="status"/>, with the trailers that came with it.</summary>
    public GrpcStatusException(GrpcStatus status, GrpcMetadata? trailers = null, Exception? innerException = null)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers ?? new GrpcMetadata();
    }

    /// <summary>The status of the call.</summary>
    public GrpcStatus Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.Code;

    /// <summary>The status detail (<c>grpc-message</c>).</summary>
    public string Detail => Status.Detail;

    /// <summary>
    /// Trailers of the call. On the client: what the server sent. On the server: extra trailers to
    /// send with the status (merged with <see cref="GrpcServerCallContext.ResponseTrailers"/>).
    /// </summary>
    public GrpcMetadata Trailers { get; }
}
