using Grpc.Core;

namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>One Connect stream as the fake hub sees it. The test is its only reader and only writer.</summary>
public sealed class FakeHubSession(
    Hello hello, IAsyncStreamReader<NodeMessage> requests, IServerStreamWriter<HubMessage> responses, CancellationToken callToken)
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Hello Hello { get; } = hello;

    /// <summary>Completes (or throws a status) to end the call from the hub's side.</summary>
    internal Task Ended => _ended.Task;

    public Task SendAsync(HubMessage message) => responses.WriteAsync(message, callToken);

    public Task WelcomeAsync(uint heartbeatIntervalMs = 3_600_000, params TaskResume[] resume)
    {
        var welcome = new Welcome { NodeId = Hello.NodeId, SiloId = "fake-silo", HeartbeatIntervalMs = heartbeatIntervalMs };
        welcome.Resume.AddRange(resume);
        return SendAsync(new HubMessage { Welcome = welcome });
    }

    /// <summary>Next message from the node (heartbeats included), or null when the node ended the stream.</summary>
    public async Task<NodeMessage?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, callToken);
        return await requests.MoveNext(linked.Token) ? requests.Current : null;
    }

    /// <summary>Next message that is not a heartbeat.</summary>
    public async Task<NodeMessage?> ReadSkippingHeartbeatsAsync()
    {
        while (true)
        {
            var message = await ReadAsync();
            if (message?.BodyCase != NodeMessage.BodyOneofCase.Heartbeat)
            {
                return message;
            }
        }
    }

    /// <summary>Reads the task events of <paramref name="taskId"/> until its result, skipping other messages.</summary>
    public async Task<List<TaskEvent>> ReadTaskUntilResultAsync(string taskId)
    {
        var events = new List<TaskEvent>();
        while (await ReadAsync() is { } message)
        {
            if (message.BodyCase == NodeMessage.BodyOneofCase.TaskEvent && message.TaskEvent.TaskId == taskId)
            {
                events.Add(message.TaskEvent);
                if (message.TaskEvent.EventCase == TaskEvent.EventOneofCase.Result)
                {
                    return events;
                }
            }
        }

        throw new InvalidOperationException($"The stream ended before task {taskId} had a result.");
    }

    /// <summary>Ends the call with OK (the node sees the stream end).</summary>
    public void End() => _ended.TrySetResult();

    /// <summary>Ends the call with <paramref name="code"/>.</summary>
    public void Fail(StatusCode code, string detail) => _ended.TrySetException(new RpcException(new Status(code, detail)));
}
