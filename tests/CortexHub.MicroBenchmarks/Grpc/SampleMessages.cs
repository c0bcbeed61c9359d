using System.Text;
using CortexHub.Protocol.V1;
using Google.Protobuf;

namespace CortexHub.MicroBenchmarks.Grpc;

/// <summary>
/// Output-chunk task events as a node sends them: the commonest message on the node link, and
/// the only one whose size follows the task's output.
/// </summary>
public static class SampleMessages
{
    /// <summary>The agent's default pipe read (TaskRunnerOptions.DefaultReadBufferSize): one event per full read.</summary>
    public const int LargeOutputBytes = 16 * 1024;

    // Task ids are "t-" plus a version-7 GUID in hex, as the API assigns them.
    private const string TaskId = "t-0193a4c2e7b87d3c9f4e1a2b3c4d5e6f";

    private static readonly byte[] SmallOutput = Encoding.UTF8.GetBytes(
        "\e[32m PASS \e[0m src/parser.test.ts \e[2m(12 ms)\e[0m\n");

    public static NodeMessage Create(MessageSize size) => new()
    {
        TaskEvent = new TaskEvent
        {
            TaskId = TaskId,
            Sequence = 48_213,
            Output = new OutputChunk
            {
                Stream = OutputStream.Stdout,
                Data = ByteString.CopyFrom(size == MessageSize.Small ? SmallOutput : LargeOutput()),
            },
        },
    };

    // Printable text rather than zeros, so the payload looks like what a process writes.
    private static byte[] LargeOutput()
    {
        var data = new byte[LargeOutputBytes];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i % 80 == 79 ? (byte)'\n' : (byte)('a' + (i % 26));
        }

        return data;
    }
}
