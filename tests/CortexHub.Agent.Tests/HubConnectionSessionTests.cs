using System.Text;
using CortexHub.Agent.Connection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

/// <summary>An interactive session end to end: the agent in-process against a scripted hub over real HTTP/2.</summary>
public sealed class HubConnectionSessionTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "agent-session-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationTokenSource _stop = new();
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _hub.DisposeAsync();
        _stop.Dispose();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    private AgentOptions Options() => new()
    {
        Hub = _hub.Address,
        NodeId = "node-1",
        Token = "token-1",
        Hostname = "test-host",
        StateDirectory = _stateDirectory,
        ShutdownGrace = TimeSpan.FromSeconds(10),
        Reconnect = new BackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromHours(1) },
    };

    [Fact]
    public async Task RunAsync_TerminalSession_InputAndResizeAreAcknowledgedAppliedAndWrittenOnce()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync();
        var stream = new SessionStream(session);
        var dispatch = Dispatches.Terminal("python3 -q", columns: 80, rows: 24);

        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        await stream.ReadUntilAsync(() => stream.Output.Contains(">>> ", StringComparison.Ordinal));
        var input = Dispatches.Input(dispatch.TaskId, 0, "import os; os.get_terminal_size()\r");
        var resize = Dispatches.Resize(dispatch.TaskId, 120, 40, generation: 1);
        await session.SendAsync(new HubMessage { Resize = resize });
        await session.SendAsync(new HubMessage { Input = input });
        await stream.ReadUntilAsync(() => stream.Output.Contains("columns=120, lines=40", StringComparison.Ordinal)
            && stream.Acks.Contains(input.CommandId) && stream.Acks.Contains(resize.CommandId));

        // The same input again (a resend after a reconnect) is confirmed but not typed twice.
        await session.SendAsync(new HubMessage { Input = input.Clone() });
        var ctrlD = Dispatches.Input(dispatch.TaskId, (ulong)input.Data.Length, "\u0004");
        await session.SendAsync(new HubMessage { Input = ctrlD });
        var result = await stream.ReadUntilAsync(() => stream.Result is not null);

        Assert.Equal((TaskOutcome.Exited, 0), (stream.Result!.Outcome, stream.Result.ExitCode));
        Assert.Equal(1, CountOf(stream.Output, "os.terminal_size("));
        Assert.Contains(ctrlD.CommandId, stream.Acks);
        Assert.Equal(2, stream.Acks.Count(a => a == input.CommandId));
        Assert.DoesNotContain(stream.Events, e => e.EventCase == TaskEvent.EventOneofCase.Output && e.Output.Stream != OutputStream.Stdout);

        // Acknowledged, the task is forgotten and the agent stops without waiting for the hub.
        await session.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = stream.Events[^1].Sequence } });
        await _stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TestTimeouts.Default));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>What the node sent on one stream: command acks, the events of its tasks, their stdout.</summary>
    private sealed class SessionStream(FakeHubSession session)
    {
        private readonly List<byte> _output = [];

        public List<string> Acks { get; } = [];

        public List<TaskEvent> Events { get; } = [];

        public string Output => Encoding.UTF8.GetString([.. _output]);

        public TaskResult? Result { get; private set; }

        public async Task<bool> ReadUntilAsync(Func<bool> done)
        {
            while (!done())
            {
                var message = await session.ReadAsync() ?? throw new InvalidOperationException("The node ended the stream.");
                switch (message.BodyCase)
                {
                    case NodeMessage.BodyOneofCase.CommandAck:
                        Acks.Add(message.CommandAck.CommandId);
                        break;
                    case NodeMessage.BodyOneofCase.TaskEvent:
                        var taskEvent = message.TaskEvent;
                        Events.Add(taskEvent);
                        if (taskEvent.EventCase == TaskEvent.EventOneofCase.Output)
                        {
                            _output.AddRange(taskEvent.Output.Data.ToByteArray());
                        }
                        else if (taskEvent.EventCase == TaskEvent.EventOneofCase.Result)
                        {
                            Result = taskEvent.Result;
                        }

                        break;
                }
            }

            return true;
        }
    }
}
