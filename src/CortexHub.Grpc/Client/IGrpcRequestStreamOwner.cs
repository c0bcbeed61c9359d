namespace CortexHub.Grpc;

/// <summary>What a streaming request body needs from its call.</summary>
internal interface IGrpcRequestStreamOwner
{
    /// <summary>Cancelled when the call ends (deadline, cancellation, failure, dispose).</summary>
    CancellationToken CallToken { get; }

    int MaxSendMessageSize { get; }

    /// <summary>Cancels the call (status CANCELLED), as the caller's token asked.</summary>
    void CancelByCaller();

    /// <summary>Ends the call locally with <paramref name="status"/> (for example a too large request).</summary>
    void FailLocally(GrpcStatus status);

    /// <summary>The exception to throw after a write failed: the call's status when it is known.</summary>
    Task<Exception> GetWriteFailureAsync(Exception writeException);

    /// <summary>The exception for a write attempted after the call ended, or null while it runs.</summary>
    Exception? GetCompletedCallException();
}
