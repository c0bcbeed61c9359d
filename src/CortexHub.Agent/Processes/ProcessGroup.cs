using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CortexHub.Agent.Processes;

/// <summary>
/// One task's command: <c>setsid --wait env --default-signal=PIPE {shell} -c {command}</c>. setsid makes the
/// shell lead a new session and process group whose id is its pid (each program execs the next, so the pid
/// stays the same). Everything the command starts stays in that session unless it calls setsid itself, and in
/// that group unless it makes a group of its own (as an interactive shell does for each job), so one
/// <c>kill(-pgid, SIGKILL)</c>, plus one per other group of the session, reaches all of it, even children whose
/// parent already died.
/// </summary>
/// <remarks>
/// The .NET runtime ignores SIGPIPE, and an ignored signal stays ignored across fork and exec. Commands would
/// then see EPIPE instead of dying quietly (<c>yes | head</c> would print "Broken pipe" errors), so the
/// disposition is reset with coreutils' <c>env --default-signal</c> (coreutils 8.31+) when it is available.
/// </remarks>
internal sealed class ProcessGroup : IDisposable
{
    private static readonly Lazy<string?> SetsidPath = new(() => FindOnPath("setsid"));
    private static readonly Lazy<string?> SignalResetEnvPath = new(FindSignalResettingEnv);

    /// <summary>
    /// Run by the shell first when the start is gated: waits for one line on stdin; only then does it become the
    /// command (<c>exec</c> keeps the pid). End-of-file instead of the line (the agent died first) ends it with 125
    /// without running anything.
    /// </summary>
    private const string GateScript = "read -r _ || exit 125; ";

    /// <summary>
    /// Run by the shell (a session leader) before the command of a terminal session: the terminal ($2) becomes
    /// stdin, stdout and stderr, and — opened without O_NOCTTY by a session leader that has none — its controlling
    /// terminal.
    /// </summary>
    private const string TerminalScript = "exec 0<>\"$2\" 1>&0 2>&0 || exit 126; ";

    private readonly Process _process;
    private readonly bool _keepStdinOpen;
    private StreamWriter? _stdin;
    private int _gated;

    private ProcessGroup(Process process, bool ownsGroup, bool gated, bool keepStdinOpen)
    {
        _process = process;
        OwnsGroup = ownsGroup;
        _gated = gated ? 1 : 0;
        _keepStdinOpen = keepStdinOpen;
        ProcessId = process.Id;
        StandardOutput = process.StandardOutput.BaseStream;
        StandardError = process.StandardError.BaseStream;
    }

    /// <summary>True when <c>setsid</c> is on PATH (process groups can be used).</summary>
    public static bool CanCreateGroups => SetsidPath.Value is not null;

    /// <summary>True when commands start with SIGPIPE reset to its default (see the remarks).</summary>
    public static bool CanResetSignals => SignalResetEnvPath.Value is not null;

    /// <summary>Pid of the shell; also the process group id when <see cref="OwnsGroup"/>.</summary>
    public int ProcessId { get; }

    /// <summary>True when the shell leads its own process group.</summary>
    public bool OwnsGroup { get; }

    /// <summary>The command's stdout, raw bytes.</summary>
    public Stream StandardOutput { get; }

    /// <summary>The command's stderr, raw bytes.</summary>
    public Stream StandardError { get; }

    /// <summary>
    /// Starts <paramref name="command"/> with the agent's environment plus <paramref name="environment"/> (the
    /// agent's token variable removed) and stdin at end-of-file. When <paramref name="gated"/>, the process exists
    /// (its pid is known) but the command does not run before <see cref="OpenGate"/>; should the agent die first,
    /// it never runs. This lets the agent record the run before it can do anything (see <see cref="RunLedger"/>).
    /// </summary>
    /// <remarks>
    /// With a <c>terminalPath</c> (a pseudo-terminal slave, <see cref="PseudoTerminal.SlavePath"/>) the command runs
    /// with it as stdin, stdout, stderr and controlling terminal: the shell, a session leader, opens it after the
    /// gate (so <c>setsid</c> is required); the pipes then carry only what the shell says before it switched (such
    /// as why it could not open the terminal). With <c>keepStdinOpen</c>, stdin stays a pipe for
    /// <see cref="TakeStandardInput"/> instead of reaching end-of-file. The child is started by .NET's
    /// <see cref="Process"/> (fork and exec in native code): no managed code runs between them.
    /// </remarks>
    /// <exception cref="Win32Exception">The shell or working directory could not be used.</exception>
    /// <exception cref="InvalidOperationException">A terminal was asked for, but <c>setsid</c> is not on PATH.</exception>
    public static ProcessGroup Start(
        string shell, string command, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> environment, bool useProcessGroup,
        bool gated = false, string? terminalPath = null, bool keepStdinOpen = false)
    {
        // A terminal needs a session of its own to be its controlling terminal.
        var setsid = useProcessGroup || terminalPath is not null ? SetsidPath.Value : null;
        if (setsid is not null)
        {
            OrphanReaper.EnsureStarted();
        }
        else if (terminalPath is not null)
        {
            throw new InvalidOperationException("Terminal sessions need setsid (util-linux) on PATH.");
        }

        var env = SignalResetEnvPath.Value;
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var argv = new List<string>();
        if (setsid is not null)
        {
            // --wait: should setsid ever have to fork (it does when it already leads a group), it still waits
            // for the shell and returns its exit status.
            argv.AddRange([setsid, "--wait"]);
        }

        if (env is not null)
        {
            argv.AddRange([env, "--default-signal=PIPE"]);
        }

        argv.Add(shell);
        startInfo.FileName = argv[0];
        foreach (var arg in argv.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.ArgumentList.Add("-c");
        if (gated || terminalPath is not null)
        {
            // $0 = the shell, $1 = the command, $2 = the terminal.
            startInfo.ArgumentList.Add((gated ? GateScript : "") + (terminalPath is not null ? TerminalScript : "") + "exec \"$0\" -c \"$1\"");
            startInfo.ArgumentList.Add(shell);
            startInfo.ArgumentList.Add(command);
            if (terminalPath is not null)
            {
                startInfo.ArgumentList.Add(terminalPath);
            }
        }
        else
        {
            startInfo.ArgumentList.Add(command);
        }

        if (!string.IsNullOrEmpty(workingDirectory))
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        // Tasks run with the agent's environment, but never see the node's secret.
        startInfo.Environment.Remove(AgentOptions.TokenEnvironmentVariable);
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        var group = new ProcessGroup(process, setsid is not null, gated, keepStdinOpen);
        if (!gated && !keepStdinOpen)
        {
            // The command gets end-of-file on stdin rather than waiting on a pipe nobody writes.
            process.StandardInput.Close();
        }
        else
        {
            group._stdin = process.StandardInput;
        }

        return group;
    }

    /// <summary>
    /// Lets a gated start run its command; then stdin reaches end-of-file unless it was kept open. Does nothing
    /// for a start that was not gated.
    /// </summary>
    public void OpenGate()
    {
        if (Interlocked.Exchange(ref _gated, 0) == 0)
        {
            return;
        }

        var stdin = _keepStdinOpen ? Volatile.Read(ref _stdin) : Interlocked.Exchange(ref _stdin, null);
        if (stdin is null)
        {
            return;
        }

        try
        {
            // bash's `read` takes a pipe byte by byte, so nothing after this line is consumed by the gate.
            stdin.Write('\n');
            stdin.Flush();
            if (!_keepStdinOpen)
            {
                stdin.Close();
            }
        }
        catch (IOException)
        {
            // The shell is already gone (killed before it ran): there is nothing to let through.
        }
    }

    /// <summary>
    /// Takes the write end of stdin of a start with <c>keepStdinOpen</c> (after <see cref="OpenGate"/>): closing
    /// the returned file is the command's end-of-file. Null when stdin is not open (or already taken).
    /// </summary>
    /// <exception cref="IOException">The descriptor could not be duplicated.</exception>
    public InterruptibleFile? TakeStandardInput()
    {
        if (!_keepStdinOpen || Interlocked.Exchange(ref _stdin, null) is not { } stdin)
        {
            return null;
        }

        try
        {
            // A duplicate of our own: the StreamWriter (and its blocking writes) is done with.
            var pipe = ((System.IO.Pipes.PipeStream)stdin.BaseStream).SafePipeHandle;
            var duplicate = LibC.Fcntl((int)pipe.DangerousGetHandle(), LibC.F_DUPFD_CLOEXEC, 0);
            if (duplicate < 0)
            {
                throw new IOException($"fcntl(F_DUPFD_CLOEXEC) failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            return new InterruptibleFile(new Microsoft.Win32.SafeHandles.SafeFileHandle(duplicate, ownsHandle: true));
        }
        finally
        {
            stdin.Dispose();
        }
    }

    /// <summary>True once the shell has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the shell to exit and returns its exit code (128 + signal when killed).</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// Kills everything the task runs: the process tree first (it still finds descendants that left the group),
    /// then the whole group (it finds members whose parent already died).
    /// </summary>
    /// <returns>Null, or a description of why a kill failed (for the log).</returns>
    public string? KillAll()
    {
        string? failure = null;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // The shell already exited: the group kill below still reaches what it left behind.
        }
        catch (Exception ex) when (ex is Win32Exception or AggregateException)
        {
            failure = $"killing the process tree failed: {ex.Message}";
        }

        return KillGroup() ?? failure;
    }

    /// <summary>
    /// Waits until every process of the session is dead and reaped (orphans are reaped by <see cref="OrphanReaper"/>),
    /// at most <paramref name="timeout"/>.
    /// </summary>
    /// <returns>True when the session is gone (or the shell had no group of its own).</returns>
    public Task<bool> WaitUntilGoneAsync(TimeSpan timeout, TimeProvider timeProvider) =>
        OwnsGroup ? OrphanReaper.WaitUntilSessionGoneAsync(ProcessId, timeout, timeProvider) : Task.FromResult(true);

    /// <summary>
    /// Kills what is left of the task after the shell exited (background jobs of a finished task would otherwise
    /// outlive it and hold its pipes or terminal open): the shell's group, and every other group of its session
    /// (an interactive shell runs each job in a group of its own).
    /// </summary>
    /// <returns>Null, or a description of why the kill failed.</returns>
    public string? KillGroup()
    {
        if (!OwnsGroup)
        {
            return null;
        }

        var failure = KillProcessGroup(ProcessId);
        foreach (var (pid, stat) in ProcessStat.All())
        {
            if (stat.Session == ProcessId && stat.Group != ProcessId && !stat.IsZombie)
            {
                failure ??= KillProcessGroup(stat.Group);
                LibC.Kill(pid, LibC.SIGKILL); // in case it left its group for one outside the session's reach
            }
        }

        return failure;
    }

    private static string? KillProcessGroup(int pgid)
    {
        if (LibC.Kill(-pgid, LibC.SIGKILL) == 0)
        {
            return null;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == LibC.ESRCH ? null : $"kill(-{pgid}, SIGKILL) failed with errno {errno}";
    }

    public void Dispose()
    {
        // A gate never opened closes here: a shell still waiting behind it ends without running the command.
        Interlocked.Exchange(ref _stdin, null)?.Dispose();
        _process.Dispose();
    }

    /// <summary>The <c>env</c> that supports <c>--default-signal</c> (probed once), or null.</summary>
    private static string? FindSignalResettingEnv()
    {
        if (FindOnPath("env") is not { } env)
        {
            return null;
        }

        var probe = new ProcessStartInfo(env) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        probe.ArgumentList.Add("--default-signal=PIPE");
        probe.ArgumentList.Add("true");
        try
        {
            using var process = Process.Start(probe);
            if (process is null || !process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                return null;
            }

            return process.ExitCode == 0 ? env : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
