using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Commands;

/// <summary>
/// The exit code of <c>run</c> and <c>logs -f</c> for a finished task: 0 when it succeeded, the command's own code
/// when it exited non-zero, 124 timed out, 130 cancelled, 1 failed or lost without a code.
/// </summary>
public static class TaskExitCode
{
    public static int For(TaskEnd end) => end.State?.ToLowerInvariant() switch
    {
        "succeeded" => ExitCodes.Ok,
        "timedout" => ExitCodes.TaskTimedOut,
        "cancelled" => ExitCodes.TaskCancelled,
        // A process exit status is one byte; a code outside 1–255 would wrap to something misleading (256 → 0).
        _ => end.ExitCode is >= 1 and <= 255 ? end.ExitCode.Value : 1,
    };

    /// <summary>Whether a task in <paramref name="state"/> has ended (succeeded, failed, cancelled, timedOut, lost).</summary>
    public static bool IsFinished(string? state) =>
        state?.ToLowerInvariant() is "succeeded" or "failed" or "cancelled" or "timedout" or "lost";
}
