using System.Diagnostics;
using CortexHub.Cli.Commands;

namespace CortexHub.Cli.Tests;

/// <summary>
/// A real terminal for the CLI: one tmux session on a private server (its own socket), running one shell command in a
/// pane of a given size. Keys are sent as a person types them; the screen is read with capture-pane.
/// </summary>
public sealed class TmuxPane : IAsyncDisposable
{
    private readonly string _socket = "cortex-test-" + Guid.NewGuid().ToString("N")[..12];

    private TmuxPane()
    {
    }

    /// <summary>
    /// Runs the shell line <paramref name="script"/> with <paramref name="environment"/> in a
    /// <paramref name="columns"/>×<paramref name="rows"/> pane; the pane stays after it ends.
    /// </summary>
    public static async Task<TmuxPane> StartAsync(string script, IDictionary<string, string?> environment, int columns = 80, int rows = 24)
    {
        if (FindTmux() is null)
        {
            // Not a skip, with CI or without: the CLI's terminal behaviour is untested without it. ./test.sh installs it.
            throw new InvalidOperationException("tmux is not installed (Debian package tmux; ./test.sh installs it)");
        }

        var pane = new TmuxPane();
        var variables = environment.Where(v => v.Value is not null).Select(v => ShellQuote.Quote($"{v.Key}={v.Value}"));
        var line = $"export {string.Join(' ', variables)}; {script}";
        await pane.RunAsync("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", columns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-y", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "sh", "-c", line + "; sleep 3600");
        await pane.RunAsync("set-option", "-t", "main", "remain-on-exit", "on");
        return pane;
    }

    /// <summary>A shell line running the built <c>cortex</c> with <paramref name="args"/>.</summary>
    public static string Cortex(params string[] args) => ShellQuote.Join(["dotnet", Path.Combine(AppContext.BaseDirectory, "cortex.dll"), .. args]);

    /// <summary>Types <paramref name="text"/> literally.</summary>
    public Task TypeAsync(string text) => RunAsync("send-keys", "-t", "main", "-l", text);

    /// <summary>Presses keys by tmux name: "Enter", "C-c", "C-d".</summary>
    public Task PressAsync(params string[] keys) => RunAsync(["send-keys", "-t", "main", .. keys]);

    /// <summary>The pane's screen as text, one line per row (trailing blanks trimmed).</summary>
    public async Task<string> CaptureAsync() => (await RunAsync("capture-pane", "-p", "-t", "main")).TrimEnd();

    /// <summary>A tmux format about the pane, such as "#{pane_tty}".</summary>
    public Task<string> DisplayAsync(string format) => RunAsync("display-message", "-p", "-t", "main", format);

    public Task ResizeAsync(int columns, int rows) =>
        RunAsync("resize-window", "-t", "main", "-x", columns.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", rows.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; the last screen is in the failure.</summary>
    public async Task<string> WaitForScreenAsync(Func<string, bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var screen = "";
        while (clock.Elapsed < (timeout ?? HubFixture.Wait))
        {
            screen = await CaptureAsync();
            if (condition(screen))
            {
                return screen;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the pane did not show {what}; it shows:\n{screen}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string? FindTmux() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(dir => Path.Combine(dir, "tmux")).FirstOrDefault(File.Exists);

    private async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("TMUX");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(HubFixture.Wait);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
