using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Cli;

/// <summary>What the command line asked for.</summary>
/// <param name="ParseResult">System.CommandLine's result (help and version are invoked from it).</param>
/// <param name="Options">Valid agent settings, or null when the agent must not run (errors, help, version).</param>
/// <param name="LogLevel">Least severe log level to write.</param>
/// <param name="Errors">Usage errors; non-empty means exit code 2.</param>
public sealed record AgentCommandLineResult(ParseResult ParseResult, AgentOptions? Options, LogLevel LogLevel, IReadOnlyList<string> Errors)
{
    /// <summary>True for --help / --version: System.CommandLine answers and the agent does not run.</summary>
    public bool IsInformational => Options is null && Errors.Count == 0;
}
