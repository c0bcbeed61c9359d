using System.CommandLine;
using System.CommandLine.Invocation;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Cli;

/// <summary>
/// The command line of <c>cortex-agent</c>: its options, and their translation into <see cref="AgentOptions"/>.
/// Parsing and validation only; <see cref="AgentCommand"/> runs the agent.
/// </summary>
public sealed class AgentCommandLine
{
    private readonly Option<string> _hub = new("--hub")
    {
        Description = "The hub's gRPC address, such as http://hub:5081 (https:// for TLS).",
        HelpName = "url",
        Required = true,
    };

    private readonly Option<string> _nodeId = new("--node-id")
    {
        Description = "The node's id, as provisioned on the hub.",
        HelpName = "id",
        Required = true,
    };

    private readonly Option<string> _token = new("--token")
    {
        Description = $"The node's secret token (default: the {AgentOptions.TokenEnvironmentVariable} environment variable).",
        HelpName = "token",
    };

    private readonly Option<string[]> _labels = new("--label")
    {
        Description = "A label sent to the hub, key=value; repeat for more.",
        HelpName = "key=value",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<long> _maxUnackedBytes = new("--max-unacked-bytes")
    {
        Description = "Output bytes per task held until the hub acknowledges them; at the limit the task's output is not read (it blocks).",
        HelpName = "bytes",
        DefaultValueFactory = _ => Tasks.TaskRegistryOptions.DefaultMaxUnackedBytes,
    };

    private readonly Option<double?> _heartbeatSeconds = new("--heartbeat-seconds")
    {
        Description = "Heartbeat interval in seconds, overriding the one the hub sends in Welcome.",
        HelpName = "seconds",
    };

    private readonly Option<int> _poolSlots = new("--pool-slots")
    {
        Description = "Work-pool items this node runs at once; the hub offers matching pool work up to this many (0: none).",
        HelpName = "count",
        DefaultValueFactory = _ => 0,
    };

    private readonly Option<string> _stateDir = new("--state-dir")
    {
        Description = "The agent's own folder: a lock and the record of running task processes, so a restarted agent stops what a killed one left running (default: $XDG_STATE_HOME/cortex-agent/<node-id>, else ~/.local/state/cortex-agent/<node-id>, else /var/lib/cortex-agent/<node-id>).",
        HelpName = "path",
    };

    private readonly Option<LogLevel> _logLevel = new("--log-level")
    {
        Description = "Least severe log level written (Trace, Debug, Information, Warning, Error, Critical).",
        HelpName = "level",
        DefaultValueFactory = _ => LogLevel.Information,
    };

    /// <summary>Builds the command.</summary>
    public AgentCommandLine()
    {
        Root = new RootCommand("cortex-agent: the CortexHub node agent. Keeps one stream to the hub and runs the tasks it dispatches.")
        {
            _hub, _nodeId, _token, _labels, _maxUnackedBytes, _heartbeatSeconds, _poolSlots, _stateDir, _logLevel,
        };
    }

    /// <summary>The System.CommandLine root command (for help output).</summary>
    public RootCommand Root { get; }

    /// <summary>
    /// Parses <paramref name="args"/>. <paramref name="getEnvironmentVariable"/> supplies the token when
    /// <c>--token</c> is absent.
    /// </summary>
    public AgentCommandLineResult Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var parseResult = Root.Parse(args);

        // --help and --version are answered by System.CommandLine itself.
        if (parseResult.Action is not null and not ParseErrorAction)
        {
            return new AgentCommandLineResult(parseResult, null, LogLevel.Information, []);
        }

        if (parseResult.Errors.Count > 0)
        {
            return new AgentCommandLineResult(parseResult, null, LogLevel.Information, [.. parseResult.Errors.Select(e => e.Message)]);
        }

        var errors = new List<string>();
        var options = new AgentOptions
        {
            NodeId = parseResult.GetValue(_nodeId) ?? "",
            Token = parseResult.GetValue(_token) ?? getEnvironmentVariable(AgentOptions.TokenEnvironmentVariable) ?? "",
        };

        var hub = parseResult.GetValue(_hub);
        if (Uri.TryCreate(hub, UriKind.Absolute, out var hubUri))
        {
            options.Hub = hubUri;
        }
        else
        {
            errors.Add($"--hub must be an absolute http:// or https:// address; '{hub}' is not.");
        }

        foreach (var label in parseResult.GetValue(_labels) ?? [])
        {
            var separator = label.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                errors.Add($"--label must be key=value; '{label}' is not.");
                continue;
            }

            options.Labels[label[..separator]] = label[(separator + 1)..];
        }

        options.StateDirectory = parseResult.GetValue(_stateDir) is { } stateDir
            ? Path.GetFullPath(stateDir)
            : DefaultStateDirectory(options.NodeId, getEnvironmentVariable);

        options.Tasks.MaxUnackedBytes = parseResult.GetValue(_maxUnackedBytes);
        options.PoolSlots = parseResult.GetValue(_poolSlots);
        if (parseResult.GetValue(_heartbeatSeconds) is { } heartbeatSeconds)
        {
            options.HeartbeatInterval = double.IsFinite(heartbeatSeconds) && heartbeatSeconds > 0 && heartbeatSeconds <= 3600
                ? TimeSpan.FromSeconds(heartbeatSeconds)
                : TimeSpan.Zero; // rejected by the validator with the option's name
        }

        var validation = new AgentOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            // The hub check above already explains a malformed address.
            errors.AddRange(validation.Failures.Where(f => hubUri is not null || !f.StartsWith("--hub", StringComparison.Ordinal)));
        }

        return new AgentCommandLineResult(parseResult, errors.Count == 0 ? options : null, parseResult.GetValue(_logLevel), errors);
    }

    /// <summary>
    /// <c>$XDG_STATE_HOME/cortex-agent/&lt;node-id&gt;</c>, else <c>$HOME/.local/state/cortex-agent/&lt;node-id&gt;</c>
    /// (the XDG base directory rule), else <c>/var/lib/cortex-agent/&lt;node-id&gt;</c> (a system service without a
    /// home); the node id escaped into one path segment.
    /// </summary>
    private static string DefaultStateDirectory(string nodeId, Func<string, string?> getEnvironmentVariable)
    {
        var stateHome = getEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)
            ? xdg
            : getEnvironmentVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".local", "state") : "/var/lib";
        var segment = Uri.EscapeDataString(nodeId);
        return Path.Combine(stateHome, "cortex-agent", segment is "." or ".." ? segment.Replace(".", "%2E", StringComparison.Ordinal) : segment);
    }

    /// <summary>Writes the errors and the usage text.</summary>
    public void WriteUsageError(AgentCommandLineResult result, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var message in result.Errors)
        {
            error.WriteLine($"cortex-agent: {message}");
        }

        error.WriteLine();
        Root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = error });
    }
}
