using System.Collections.Concurrent;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>Signals the test service raises, so tests await what the server saw instead of sleeping.</summary>
public sealed class EchoServiceState
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waitStarted = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waitCancelled = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waitFinished = new();

    /// <summary>Completed when the Hang endpoint sees its request aborted (the client reset the stream).</summary>
    public TaskCompletionSource HangAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the handler of the Wait call named <paramref name="id"/> started.</summary>
    public Task WaitStarted(string id) => Get(_waitStarted, id).Task;

    /// <summary>Completes when the Wait call named <paramref name="id"/> observed cancellation.</summary>
    public Task WaitCancelled(string id) => Get(_waitCancelled, id).Task;

    /// <summary>Completes when the Wait call named <paramref name="id"/> returned from its handler.</summary>
    public Task WaitFinished(string id) => Get(_waitFinished, id).Task;

    internal void OnWaitStarted(string id) => Get(_waitStarted, id).TrySetResult();

    internal void OnWaitCancelled(string id) => Get(_waitCancelled, id).TrySetResult();

    internal void OnWaitFinished(string id) => Get(_waitFinished, id).TrySetResult();

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string id) =>
        map.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
