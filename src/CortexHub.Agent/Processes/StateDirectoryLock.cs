namespace CortexHub.Agent.Processes;

/// <summary>
/// An exclusive lock on the agent's state directory (<c>agent.lock</c>, held open with <see cref="FileShare.None"/>,
/// which .NET maps to <c>flock</c>). A second agent on the same directory would take the first one's running tasks
/// for survivors of a crash and kill them, so it must not start. The kernel drops the lock when the process dies,
/// however it dies, and tasks do not inherit it (.NET opens files close-on-exec).
/// </summary>
internal sealed class StateDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private StateDirectoryLock(FileStream file) => _file = file;

    /// <summary>Creates <paramref name="stateDirectory"/> (owner-only) if missing and locks it.</summary>
    /// <exception cref="IOException">The directory cannot be used, or another agent holds it (the message says which).</exception>
    public static StateDirectoryLock Acquire(string stateDirectory)
    {
        try
        {
            Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"the state directory {stateDirectory} cannot be created: {ex.Message}", ex);
        }

        var path = Path.Combine(stateDirectory, "agent.lock");
        try
        {
            return new StateDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new IOException($"{path} is locked: another agent uses this state directory ({ex.Message})", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"{path} cannot be opened: {ex.Message}", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
