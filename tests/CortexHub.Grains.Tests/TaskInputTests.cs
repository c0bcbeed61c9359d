using System.Text;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grains.Tests;

/// <summary>
/// Sessions and stdin on the task grain: input bytes and resizes become outbox commands named by
/// offset and generation (kept across a silo's death), refusals say why, and the retained output
/// is read by byte offset.
/// </summary>
public sealed class TaskInputTests
{
    private static readonly TerminalSize Size = new(80, 24);

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Input_OffsetsAndResizeGenerations_QueuedInOrder_AndKeptAcrossASiloKill(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind);
        var session = cluster.GetGrain<ITaskGrain>("s1");
        var dispatched = await session.DispatchAsync(new TaskSpec("n1", "", "alice", Terminal: Size, Term: "xterm"));
        Assert.Equal((Size, 0L), (dispatched.Terminal, dispatched.InputBytes));

        Assert.Equal(new InputAccepted(0, 4), await session.SendInputAsync("1+1\r"u8.ToArray(), end: false));
        await session.ResizeAsync(100, 30);
        Assert.Equal(new InputAccepted(4, 2), await session.SendInputAsync("ab"u8.ToArray(), end: true)); // end means nothing to a terminal

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);
        session = cluster.GetGrain<ITaskGrain>("s1");
        Assert.Equal(new InputAccepted(6, 1), await session.SendInputAsync("\u0004"u8.ToArray(), end: false));
        await session.ResizeAsync(120, 40);

        var pending = (await cluster[0].Services.GetRequiredService<INodeOutboxStore>().NodeCommandListPendingAsync("n1", 10))
            .Select(c => HubMessage.Parser.ParseFrom(c.Payload)).ToList();
        Assert.Equal(["dispatch:s1", "input:s1:0", "resize:s1:1", "input:s1:4", "input:s1:6", "resize:s1:2"], pending.Select(CommandId));
        var dispatch = pending[0].Dispatch;
        Assert.Equal((80u, 24u, "xterm", false, ""), (dispatch.Terminal.Columns, dispatch.Terminal.Rows, dispatch.Terminal.Term, dispatch.StdinOpen, dispatch.Command));
        Assert.Equal(("1+1\r", 0ul, false), (pending[1].Input.Data.ToStringUtf8(), pending[1].Input.Offset, pending[1].Input.End));
        Assert.Equal((100u, 30u, 1ul), (pending[2].Resize.Columns, pending[2].Resize.Rows, pending[2].Resize.Generation));
        Assert.False(pending[3].Input.End);
        Assert.Equal((6ul, 2ul), (pending[4].Input.Offset, pending[5].Resize.Generation));

        var snapshot = await session.GetAsync();
        Assert.Equal((new TerminalSize(120, 40), 7L), (snapshot.Terminal, snapshot.InputBytes));
    }

    [Fact]
    public async Task Input_PlainTaskWithStdinOpen_EndClosesIt_ThenRefused()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var task = cluster.GetGrain<ITaskGrain>("t-stdin");
        var dispatched = await task.DispatchAsync(new TaskSpec("n1", "wc -c", "alice", StdinOpen: true));
        Assert.True(dispatched.StdinOpen);

        Assert.Equal(new InputAccepted(0, 5), await task.SendInputAsync("hello"u8.ToArray(), end: true));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => task.SendInputAsync("more"u8.ToArray(), end: false));
        Assert.Contains("already ended", refused.Message);

        var pending = (await cluster[0].Services.GetRequiredService<INodeOutboxStore>().NodeCommandListPendingAsync("n1", 10))
            .Select(c => HubMessage.Parser.ParseFrom(c.Payload)).ToList();
        Assert.True(pending[0].Dispatch.StdinOpen);
        Assert.Null(pending[0].Dispatch.Terminal);
        Assert.Equal(("input:t-stdin:0", true), (pending[1].Input.CommandId, pending[1].Input.End));
        await Assert.ThrowsAsync<InvalidOperationException>(() => task.ResizeAsync(80, 24)); // no terminal
    }

    [Fact]
    public async Task Input_Refused_WithoutInput_WhenOver_TooLarge_AndBadSizes()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var plain = cluster.GetGrain<ITaskGrain>("t-plain");
        await plain.DispatchAsync(new TaskSpec("n1", "make", "alice"));
        Assert.Contains("takes no input", (await Assert.ThrowsAsync<InvalidOperationException>(() => plain.SendInputAsync("x"u8.ToArray(), false))).Message);

        var session = cluster.GetGrain<ITaskGrain>("s-over");
        await session.DispatchAsync(new TaskSpec("n1", "python3", "alice", Terminal: Size));
        var tooLarge = await Assert.ThrowsAsync<InvalidRequestException>(() => session.SendInputAsync(new byte[InputLimits.MaxInputBytes + 1], false));
        Assert.True(tooLarge.Errors.ContainsKey("data"));
        var badSize = await Assert.ThrowsAsync<InvalidRequestException>(() => session.ResizeAsync(0, 501));
        Assert.Equal(["columns", "rows"], badSize.Errors.Keys.Order());
        await Assert.ThrowsAsync<InvalidRequestException>(() => cluster.GetGrain<ITaskGrain>("s-big").DispatchAsync(new TaskSpec("n1", "sh", "alice", Terminal: new TerminalSize(1001, 24))));

        await session.AppendEventsAsync("n1", [Events.Started(1), Events.Exited(2, 0)]);
        Assert.Contains("is over", (await Assert.ThrowsAsync<InvalidOperationException>(() => session.SendInputAsync("x"u8.ToArray(), false))).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.ResizeAsync(80, 24));
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.GetGrain<ITaskGrain>("t-none").SendInputAsync("x"u8.ToArray(), false));
    }

    [Fact]
    public async Task ReadOutput_ByByteOffset_FromTheRetainedWindowOnly()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var session = cluster.GetGrain<ITaskGrain>("s-out");
        await session.DispatchAsync(new TaskSpec("n1", "sh", "alice", HeadBytes: 0, TailBytes: 8, Terminal: Size));
        await session.AppendEventsAsync("n1", [Events.Started(1), Events.Out(2, "012345"), Events.Out(3, "6789")]);

        var all = await session.ReadOutputAsync(0, 100);
        Assert.Equal((2L, "23456789", 2L, 10L, false), (all.Offset, Text(all), all.RetainedFrom, all.TotalBytes, all.Finished));
        Assert.Equal((7L, "78"), Project(await session.ReadOutputAsync(7, 2)));
        Assert.Equal((10L, ""), Project(await session.ReadOutputAsync(long.MaxValue, 100)));
        Assert.Equal(10, (await session.GetAsync()).OutputBytes);

        // Head and tail still joined: every byte is served from 0.
        var plain = cluster.GetGrain<ITaskGrain>("t-out");
        await plain.DispatchAsync(new TaskSpec("n1", "cat", "alice", HeadBytes: 4, TailBytes: 8, StdinOpen: true));
        await plain.AppendEventsAsync("n1", [Events.Out(1, "abcdefgh"), Events.Exited(2, 0)]);
        var joined = await plain.ReadOutputAsync(2, 100);
        Assert.Equal((2L, "cdefgh", true), (joined.Offset, Text(joined), joined.Finished));

        static (long, string) Project(OutputSlice slice) => (slice.Offset, Text(slice));
        static string Text(OutputSlice slice) => Encoding.UTF8.GetString(slice.Data);
    }

    private static string CommandId(HubMessage message) => message.BodyCase switch
    {
        HubMessage.BodyOneofCase.Dispatch => message.Dispatch.CommandId,
        HubMessage.BodyOneofCase.Input => message.Input.CommandId,
        HubMessage.BodyOneofCase.Resize => message.Resize.CommandId,
        _ => message.BodyCase.ToString(),
    };

    private static async Task<TestCluster> StartAsync(StorageKind kind) =>
        await TestCluster.StartAsync(new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) });
}
