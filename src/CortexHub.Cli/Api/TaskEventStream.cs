namespace CortexHub.Cli.Api;

/// <summary>An open task event stream: its events as they arrive; disposing it closes the connection.</summary>
public sealed class TaskEventStream(HttpResponseMessage response, Stream body) : IDisposable
{
    public IAsyncEnumerable<SseEvent> ReadAllAsync(CancellationToken cancellationToken) => SseReader.ReadAsync(body, cancellationToken);

    public void Dispose()
    {
        body.Dispose();
        response.Dispose();
    }
}
