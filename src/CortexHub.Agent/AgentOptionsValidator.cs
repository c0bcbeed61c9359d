using CortexHub.Agent.Tasks;
using Microsoft.Extensions.Options;

namespace CortexHub.Agent;

/// <summary>Checks <see cref="AgentOptions"/> at start-up; each failure names the command-line option to fix.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.Hub is null)
        {
            failures.Add("--hub is required (for example http://hub:5081).");
        }
        else if (!options.Hub.IsAbsoluteUri || (options.Hub.Scheme != Uri.UriSchemeHttp && options.Hub.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"--hub must be an absolute http:// or https:// address; '{options.Hub}' is not.");
        }

        if (string.IsNullOrWhiteSpace(options.NodeId))
        {
            failures.Add("--node-id is required and must not be blank.");
        }

        if (string.IsNullOrEmpty(options.Token))
        {
            failures.Add($"A token is required: pass --token or set {AgentOptions.TokenEnvironmentVariable}.");
        }

        foreach (var key in options.Labels.Keys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add("--label keys must not be blank (use key=value).");
            }
        }

        if (options.Tasks.MaxUnackedBytes < TaskRegistryOptions.MinMaxUnackedBytes)
        {
            failures.Add($"--max-unacked-bytes must be at least {TaskRegistryOptions.MinMaxUnackedBytes}; got {options.Tasks.MaxUnackedBytes}.");
        }

        if (options.HeartbeatInterval is { } heartbeat && (heartbeat <= TimeSpan.Zero || heartbeat > TimeSpan.FromHours(1)))
        {
            failures.Add($"--heartbeat-seconds must be greater than 0 and at most 3600; got {heartbeat.TotalSeconds}.");
        }

        if (options.PoolSlots is < 0 or > AgentOptions.MaxPoolSlots)
        {
            failures.Add($"--pool-slots must be between 0 and {AgentOptions.MaxPoolSlots}; got {options.PoolSlots}.");
        }

        CheckPositive(failures, nameof(options.WelcomeTimeout), options.WelcomeTimeout);
        CheckKeepAlive(failures, nameof(options.KeepAlivePingDelay), options.KeepAlivePingDelay);
        CheckKeepAlive(failures, nameof(options.KeepAlivePingTimeout), options.KeepAlivePingTimeout);
        if (options.ShutdownGrace < TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.ShutdownGrace)} must not be negative.");
        }

        if (options.StateDirectory is { } stateDirectory && (string.IsNullOrWhiteSpace(stateDirectory) || !Path.IsPathFullyQualified(stateDirectory)))
        {
            failures.Add($"--state-dir must be an absolute path; got '{stateDirectory}'.");
        }

        if (options.SurvivorStopGrace < TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.SurvivorStopGrace)} must not be negative.");
        }

        if (options.OutboxCapacity < 1)
        {
            failures.Add($"{nameof(options.OutboxCapacity)} must be at least 1.");
        }

        CheckPositive(failures, "Reconnect.InitialDelay", options.Reconnect.InitialDelay);
        CheckPositive(failures, "Reconnect.MaxDelay", options.Reconnect.MaxDelay);
        if (options.Reconnect.MaxDelay < options.Reconnect.InitialDelay)
        {
            failures.Add("Reconnect.MaxDelay must not be less than Reconnect.InitialDelay.");
        }

        CheckPositive(failures, "Reconnect.OutageMaxDelay", options.Reconnect.OutageMaxDelay);
        if (options.Reconnect.OutageWindow < TimeSpan.Zero)
        {
            failures.Add("Reconnect.OutageWindow must not be negative.");
        }

        if (!(options.Reconnect.Multiplier >= 1))
        {
            failures.Add("Reconnect.Multiplier must be at least 1.");
        }

        if (options.Tasks.RememberedCommandIds < 1)
        {
            failures.Add("Tasks.RememberedCommandIds must be at least 1.");
        }

        var runner = options.Tasks.Runner;
        if (runner.ReadBufferSize < 1)
        {
            failures.Add("Tasks.Runner.ReadBufferSize must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(runner.Shell))
        {
            failures.Add("Tasks.Runner.Shell must name a shell.");
        }

        if (runner.StopDrainTimeout < TimeSpan.Zero)
        {
            failures.Add("Tasks.Runner.StopDrainTimeout must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>SocketsHttpHandler counts keep-alive times in whole seconds and refuses anything shorter.</summary>
    private static void CheckKeepAlive(List<string> failures, string name, TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{name} must be at least 1 second; got {value}.");
        }
    }

    private static void CheckPositive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{name} must be greater than zero.");
        }
    }
}
