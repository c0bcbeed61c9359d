using System.Runtime.InteropServices;
using CortexHub.Agent.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace CortexHub.Agent.Cli;

/// <summary>
/// <c>cortex-agent</c> from arguments to exit code: parse (usage errors exit 2), set up single-line console
/// logging and SIGTERM/SIGINT handling, run <see cref="NodeAgent"/>.
/// </summary>
public static class AgentCommand
{
    /// <summary>Runs the agent process; returns its exit code (see <see cref="AgentExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var commandLine = new AgentCommandLine();
        var parsed = commandLine.Parse(args, Environment.GetEnvironmentVariable);
        if (parsed.IsInformational)
        {
            return await parsed.ParseResult.InvokeAsync().ConfigureAwait(false);
        }

        if (parsed.Options is not { } options)
        {
            commandLine.WriteUsageError(parsed, Console.Error);
            return AgentExitCodes.UsageError;
        }

        using var loggerFactory = CreateLoggerFactory(parsed.LogLevel);
        var logger = loggerFactory.CreateLogger(typeof(AgentCommand));
        using var stopping = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            // Handled here: the agent kills its tasks and exits 0 instead of being torn down.
            context.Cancel = true;
            stopping.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            await using var agent = new NodeAgent(options, loggerFactory);
            return await agent.RunAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            AgentLog.AgentCrashed(logger, ErrorId.New(), ex);
            return AgentExitCodes.Crashed;
        }
    }

    private static ILoggerFactory CreateLoggerFactory(LogLevel level) => LoggerFactory.Create(logging => logging
        .SetMinimumLevel(level)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        })
        // Every log line on stderr: the agent's stdout carries nothing.
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
