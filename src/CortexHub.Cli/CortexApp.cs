using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using System.Text;

namespace CortexHub.Cli;

/// <summary>
/// <c>cortex</c> from arguments to exit code: parse (usage errors exit 2 with the usage on stderr), run the command,
/// and turn expected failures into one <c>cortex: …</c> line and an exit code (see <see cref="ExitCodes"/>).
/// </summary>
public static class CortexApp
{
    /// <summary>Runs in-process against the given writers and environment (stderr counts as not a terminal).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment, CancellationToken interrupt = default) =>
        RunAsync(args, new CliContext { Out = stdout, Error = stderr, Environment = environment, Interrupt = interrupt });

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var commandLine = new CortexCommandLine(context);
        var parseResult = commandLine.Root.Parse(args);
        try
        {
            if (parseResult.Errors.Count > 0 && parseResult.Action is null or ParseErrorAction)
            {
                foreach (var error in parseResult.Errors)
                {
                    context.Error.WriteLine($"cortex: {error.Message}");
                }

                context.Error.WriteLine();
                commandLine.WriteHelp(parseResult.CommandResult.Command, context.Error);
                return ExitCodes.UsageError;
            }

            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false, // failures are translated below
                ProcessTerminationTimeout = null, // Ctrl+C is ours (see CliContext.Interrupt)
            };
            return await parseResult.InvokeAsync(configuration, context.Interrupt).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            context.Error.WriteLine($"cortex: {ex.Message}");
            foreach (var line in ex.Details)
            {
                context.Error.WriteLine(line);
            }

            if (ex.ShowUsage)
            {
                context.Error.WriteLine();
                commandLine.WriteHelp(parseResult.CommandResult.Command, context.Error);
            }

            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            context.Error.WriteLine("cortex: interrupted");
            return ExitCodes.TaskCancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Local files: the config, an install script.
            context.Error.WriteLine($"cortex: {ex.Message}");
            return ExitCodes.Crashed;
        }
        catch (Exception ex)
        {
            var errorId = Guid.NewGuid().ToString("N")[..12];
            context.Error.WriteLine($"cortex: unexpected error (error id {errorId}); please report it with this output:");
            context.Error.WriteLine(ex.ToString());
            return ExitCodes.Crashed;
        }
        finally
        {
            await context.Out.FlushAsync().ConfigureAwait(false);
            await context.Error.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The process entry: the real console (stdout buffered and flushed per event), the process environment, and
    /// Ctrl+C wired to <see cref="CliContext.Interrupt"/> (the first one only; a second one ends the process).
    /// </summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = false };
        await using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            if (!interrupt.IsCancellationRequested)
            {
                signal.Cancel = true;
                interrupt.Cancel();
            }
        });

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = variable.Value as string;
        }

        return await RunAsync(args, new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = environment,
            ErrorIsTerminal = !Console.IsErrorRedirected,
            TerminalWidth = ErrorTerminalWidth(),
            Interrupt = interrupt.Token,
            Input = Console.OpenStandardInput(),
            Terminal = OperatingSystem.IsWindows() ? null : new Sessions.PosixTerminal(),
        }).ConfigureAwait(false);
    }

    private static int ErrorTerminalWidth()
    {
        try
        {
            return !Console.IsErrorRedirected && Console.WindowWidth > 0 ? Console.WindowWidth : CliContext.DefaultTerminalWidth;
        }
        catch (IOException)
        {
            return CliContext.DefaultTerminalWidth; // stdout is not the terminal stderr is: ask no further
        }
    }
}
