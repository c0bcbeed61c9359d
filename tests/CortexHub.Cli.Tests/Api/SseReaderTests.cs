using System.Text;
using CortexHub.Cli.Api;

namespace CortexHub.Cli.Tests.Api;

/// <summary>The event-stream parser against the framing rules of the HTML standard.</summary>
public sealed class SseReaderTests
{
    [Fact]
    public async Task Read_CommentsMultilineDataCrLfAndStickyIds_AsTheStandardSays()
    {
        var text = ": keep-alive\r\n\r\nid: 1\r\nevent: output\r\ndata: {\"a\":1}\r\n\r\n" +
            "event: thought\ndata:first\ndata: second\n\n" +
            "id: 3\ndata: plain\nretry: 10\nunknown: x\n\n" +
            "event: cut-off\ndata: never dispatched";

        var events = await ReadAsync(text);

        Assert.Equal(
        [
            new SseEvent("1", "output", "{\"a\":1}"),
            new SseEvent("1", "thought", "first\nsecond"),
            new SseEvent("3", "message", "plain"),
        ], events);
    }

    [Fact]
    public async Task Read_EventWithoutData_IsNotDispatched_EmptyDataIs()
    {
        var events = await ReadAsync("event: nothing\n\nevent: empty\ndata\n\n");

        Assert.Equal([new SseEvent(null, "empty", "")], events);
    }

    private static async Task<List<SseEvent>> ReadAsync(string text)
    {
        var events = new List<SseEvent>();
        await foreach (var item in SseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None))
        {
            events.Add(item);
        }

        return events;
    }
}
