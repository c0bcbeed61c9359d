using System.Text;
using System.Text.Json;

namespace CortexHub.Grains.Tests;

/// <summary>Journal events as a node would send them (after the gateway's mapping).</summary>
public static class Events
{
    public static TaskEventRecord Started(long seq) => new(seq, TaskEventKind.Started, OutputStreamKind.None, "1"u8.ToArray());

    public static TaskEventRecord Out(long seq, string text, OutputStreamKind stream = OutputStreamKind.Stdout) =>
        new(seq, TaskEventKind.Output, stream, Encoding.UTF8.GetBytes(text));

    public static TaskEventRecord Thought(long seq, string text) => new(seq, TaskEventKind.Thought, OutputStreamKind.None, Encoding.UTF8.GetBytes(text));

    public static TaskEventRecord Exited(long seq, int code) =>
        new(seq, TaskEventKind.Result, OutputStreamKind.None, JsonSerializer.SerializeToUtf8Bytes(new TaskOutcomeEvent(TaskOutcome.Exited, code, null, null), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
}
