using System.Threading.Channels;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Storage;

namespace CortexHub.Testing;

/// <summary>
/// Stands in for a gateway's stream end when a test calls the node grain directly: records what
/// the node grain tells it, in order.
/// </summary>
public sealed class RecordingNodeStream : INodeStream
{
    private readonly Channel<string> _calls = Channel.CreateUnbounded<string>();

    public Task CommandsQueued()
    {
        _calls.Writer.TryWrite("commands-queued");
        return Task.CompletedTask;
    }

    public Task DispatchQueued(NodeCommand dispatch)
    {
        _calls.Writer.TryWrite("dispatch-queued:" + dispatch.CommandId);
        return Task.CompletedTask;
    }

    public Task Close(NodeStreamCloseReason reason)
    {
        _calls.Writer.TryWrite("close:" + reason);
        return Task.CompletedTask;
    }

    /// <summary>The next call the stream received ("commands-queued", "dispatch-queued:CommandId" or "close:Reason"), waiting up to <paramref name="timeout"/>.</summary>
    public async Task<string> NextAsync(TimeSpan timeout) => await _calls.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    /// <summary>True when a call arrived that was not read yet.</summary>
    public bool HasMore => _calls.Reader.TryPeek(out _);
}
