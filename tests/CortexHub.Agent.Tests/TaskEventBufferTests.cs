namespace CortexHub.Agent.Tests;

public sealed class TaskEventBufferTests
{
    private static TaskEvent Output(int bytes) =>
        new() { Output = new OutputChunk { Stream = OutputStream.Stdout, Data = Google.Protobuf.ByteString.CopyFrom(new byte[bytes]) } };

    private static TaskEvent Accepted() => new() { Accepted = new TaskAccepted() };

    [Fact]
    public async Task PublishAsync_SeveralEvents_NumbersThemFromOneAndSetsTaskId()
    {
        var buffer = new TaskEventBuffer("t1", 1024);

        var first = await buffer.PublishAsync(Accepted(), CancellationToken.None);
        var second = await buffer.PublishAsync(Output(10), CancellationToken.None);

        Assert.Equal((1UL, "t1"), (first.Sequence, first.TaskId));
        Assert.Equal(2UL, second.Sequence);
        Assert.Equal(10, buffer.UnackedBytes);
    }

    [Fact]
    public async Task Acknowledge_UpToSequence_DropsThoseEventsAndTheirBytes()
    {
        var buffer = new TaskEventBuffer("t1", 1024);
        for (var i = 0; i < 3; i++)
        {
            await buffer.PublishAsync(Output(100), CancellationToken.None);
        }

        buffer.Acknowledge(2);

        Assert.Equal([3UL], buffer.SnapshotUnacked().Select(e => e.Sequence));
        Assert.Equal(100, buffer.UnackedBytes);
        Assert.Equal(2UL, buffer.AckedSequence);
    }

    [Fact]
    public async Task PublishAsync_OutputAtLimit_WaitsUntilAnAckMakesRoom()
    {
        var buffer = new TaskEventBuffer("t1", 100);
        await buffer.PublishAsync(Output(100), CancellationToken.None);

        var blocked = buffer.PublishAsync(Output(50), CancellationToken.None).AsTask();
        var control = await buffer.PublishAsync(Accepted(), CancellationToken.None);

        Assert.False(blocked.IsCompleted);
        Assert.Equal(2UL, control.Sequence); // control events never wait behind output
        buffer.Acknowledge(1);
        var published = await blocked.WaitAsync(TestTimeouts.Default);
        Assert.Equal(3UL, published.Sequence);
        Assert.Equal(100, buffer.PeakUnackedBytes);
    }

    [Fact]
    public async Task TakePending_ThenResumeFrom_ResendsEverythingAfterTheHubsAck()
    {
        var buffer = new TaskEventBuffer("t1", 1024);
        for (var i = 0; i < 4; i++)
        {
            await buffer.PublishAsync(Output(1), CancellationToken.None);
        }

        var sent = new List<TaskEvent>();
        Assert.Equal(4, buffer.TakePending(sent, 10));
        Assert.Equal(0, buffer.TakePending(sent, 10));
        Assert.Equal(4UL, buffer.HighestSentSequence);

        buffer.ResumeFrom(2);
        var resent = new List<TaskEvent>();
        buffer.TakePending(resent, 10);

        Assert.Equal([3UL, 4UL], resent.Select(e => e.Sequence));
        Assert.Same(sent[2], resent[0]);
    }

    [Fact]
    public async Task Acknowledge_ResultEvent_SettlesTheTask()
    {
        var buffer = new TaskEventBuffer("t1", 1024);
        await buffer.PublishAsync(Accepted(), CancellationToken.None);
        await buffer.PublishAsync(new TaskEvent { Result = new TaskResult { Outcome = TaskOutcome.Exited } }, CancellationToken.None);

        Assert.False(buffer.Acknowledge(1));
        Assert.True(buffer.Acknowledge(2));
        Assert.True(buffer.IsSettled);
        await Assert.ThrowsAsync<InvalidOperationException>(() => buffer.PublishAsync(Accepted(), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Close_WhilePublisherWaits_ReleasesItAndDropsEverything()
    {
        var buffer = new TaskEventBuffer("t1", 10);
        await buffer.PublishAsync(Output(10), CancellationToken.None);
        var blocked = buffer.PublishAsync(Output(10), CancellationToken.None).AsTask();

        buffer.Close();
        await blocked.WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, buffer.UnackedCount);
        Assert.False(buffer.HasPending);
    }
}
