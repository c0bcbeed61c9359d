using System.Text;
using System.Text.Json;
using CortexHub.Grains.Tasks;
using CortexHub.Protocol.V1;
using TaskOutcome = CortexHub.Grains.Tasks.TaskOutcome;

namespace CortexHub.Gateway;

/// <summary>Translates wire task events into journal records.</summary>
internal static class TaskEventMapping
{
    /// <summary>The exit code of a timed-out task, as <c>timeout(1)</c> reports it.</summary>
    public const int TimedOutExitCode = 124;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <exception cref="Grpc.GrpcStatusException">The event is malformed (INVALID_ARGUMENT).</exception>
    public static TaskEventRecord ToRecord(TaskEvent e)
    {
        if (string.IsNullOrEmpty(e.TaskId) || e.Sequence == 0 || e.Sequence > long.MaxValue)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, $"Task event needs a task_id and a sequence >= 1 (got '{e.TaskId}', {e.Sequence})."));
        }

        var sequence = (long)e.Sequence;
        return e.EventCase switch
        {
            TaskEvent.EventOneofCase.Accepted => new TaskEventRecord(sequence, TaskEventKind.Accepted, OutputStreamKind.None, []),
            TaskEvent.EventOneofCase.Started => new TaskEventRecord(sequence, TaskEventKind.Started, OutputStreamKind.None, Encoding.UTF8.GetBytes(e.Started.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            TaskEvent.EventOneofCase.Output => new TaskEventRecord(sequence, TaskEventKind.Output, Stream(e.Output.Stream), e.Output.Data.ToByteArray()),
            TaskEvent.EventOneofCase.Thought => new TaskEventRecord(sequence, TaskEventKind.Thought, OutputStreamKind.None, Encoding.UTF8.GetBytes(e.Thought.Text)),
            TaskEvent.EventOneofCase.Progress => new TaskEventRecord(sequence, TaskEventKind.Progress, OutputStreamKind.None,
                JsonSerializer.SerializeToUtf8Bytes(new { fraction = e.Progress.Fraction, message = e.Progress.Message }, Json)),
            TaskEvent.EventOneofCase.Result => new TaskEventRecord(sequence, TaskEventKind.Result, OutputStreamKind.None,
                JsonSerializer.SerializeToUtf8Bytes(new TaskOutcomeEvent(Outcome(e.Result.Outcome), ExitCode(e.Result), NullIfEmpty(e.Result.Error), NullIfEmpty(e.Result.PayloadJson)), Json)),
            _ => throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, $"Task event {e.TaskId}#{e.Sequence} has no event body.")),
        };
    }

    private static OutputStreamKind Stream(OutputStream stream) => stream switch
    {
        OutputStream.Stdout => OutputStreamKind.Stdout,
        OutputStream.Stderr => OutputStreamKind.Stderr,
        _ => OutputStreamKind.Stdout,
    };

    private static TaskOutcome Outcome(Protocol.V1.TaskOutcome outcome) => outcome switch
    {
        Protocol.V1.TaskOutcome.Exited => TaskOutcome.Exited,
        Protocol.V1.TaskOutcome.Cancelled => TaskOutcome.Cancelled,
        Protocol.V1.TaskOutcome.TimedOut => TaskOutcome.TimedOut,
        _ => TaskOutcome.Failed,
    };

    /// <summary>
    /// The exit code recorded: a timed-out task's is always <see cref="TimedOutExitCode"/>, so the API, the journal and
    /// <c>cortex</c> report one code whatever the killed process left (137 after SIGKILL, 143 after SIGTERM, -1).
    /// </summary>
    private static int ExitCode(TaskResult result) =>
        result.Outcome == Protocol.V1.TaskOutcome.TimedOut ? TimedOutExitCode : result.ExitCode;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
