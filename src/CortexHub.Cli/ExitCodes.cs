namespace CortexHub.Cli;

/// <summary>Process exit codes of <c>cortex</c> (documented in the README); <c>run</c> and <c>logs -f</c> exit with the task's code instead.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug); the message names an error id.</summary>
    public const int Crashed = 1;

    /// <summary>Bad command line: unknown option, missing argument, malformed value; usage on stderr.</summary>
    public const int UsageError = 2;

    /// <summary>No hub or API key configured, or the hub answered 401.</summary>
    public const int NotLoggedIn = 3;

    /// <summary>The hub answered 404.</summary>
    public const int NotFound = 4;

    /// <summary>Any other API error (400, 403, 409, 5xx); the problem's title, detail and error id are on stderr.</summary>
    public const int ApiError = 5;

    /// <summary>The hub could not be reached (connection refused, DNS, timeout, connection lost for good).</summary>
    public const int Unreachable = 6;

    /// <summary><c>cancel</c>: the task had already finished, so there was nothing to cancel.</summary>
    public const int AlreadyFinished = 7;

    /// <summary>A task that timed out (as <c>timeout(1)</c> does).</summary>
    public const int TaskTimedOut = 124;

    /// <summary>A cancelled task (128 + SIGINT, as a shell reports Ctrl+C).</summary>
    public const int TaskCancelled = 130;
}
