namespace CortexHub.Grpc;

/// <summary>Event ids of the log messages written by this library, in one place.</summary>
internal static class GrpcLogEvents
{
    public const int HandlerException = 1001;
    public const int CallFailed = 1002;
    public const int CallCancelledByClient = 1003;
    public const int DeadlineExceeded = 1004;
    public const int UnsupportedContentType = 1005;
    public const int UnsupportedProtocol = 1006;
    public const int CallRejected = 1007;
    public const int Unimplemented = 1008;
    public const int CompletingAbortedCall = 1009;
}
