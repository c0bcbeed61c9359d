namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// How a raw stream ended, as one line of text for tallies and failure messages: its HTTP status,
/// grpc-status and grpc-message, or the error that ended it without a response (a stream reset).
/// </summary>
public static class StreamOutcome
{
    public static string Of(RawGrpcResponse response) =>
        $"HTTP {(int)response.HttpStatus}, grpc-status {response.Status?.ToString() ?? "none"}";

    /// <summary>The outcome of <paramref name="call"/>, including the grpc-message when there is one.</summary>
    public static async Task<string> Of(Task<RawGrpcResponse> call)
    {
        try
        {
            var response = await call;
            return $"{Of(response)}: {response.Message}";
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpIOException or OperationCanceledException)
        {
            return $"no response: {ex.GetType().Name}: {ex.Message}";
        }
    }
}
