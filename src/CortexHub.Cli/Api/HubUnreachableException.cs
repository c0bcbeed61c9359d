namespace CortexHub.Cli.Api;

/// <summary>The hub did not answer: connection refused, name not resolved, TLS failure, timeout or a dropped connection.</summary>
public sealed class HubUnreachableException(Uri hub, string reason, Exception? inner = null)
    : CliException(ExitCodes.Unreachable, $"cannot reach the hub at {hub}: {reason}", inner)
{
    public Uri Hub { get; } = hub;
}
