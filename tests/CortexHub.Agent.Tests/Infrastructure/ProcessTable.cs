namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>Reads /proc: which processes exist and which process group they are in.</summary>
public static class ProcessTable
{
    /// <summary>Pids of the live (non-zombie) members of process group <paramref name="pgid"/>.</summary>
    public static IReadOnlyList<int> GroupMembers(int pgid) =>
        [.. AllPids().Where(pid => Stat(pid) is { } stat && stat.Pgid == pgid && stat.State != 'Z')];

    /// <summary>True when <paramref name="pid"/> is gone from /proc: dead and reaped (a zombie still has its entry).</summary>
    public static bool IsGone(int pid) => !Directory.Exists($"/proc/{pid}");

    /// <summary>Pids of every member of process group <paramref name="pgid"/>, zombies included.</summary>
    public static IReadOnlyList<int> AllGroupMembers(int pgid) =>
        [.. AllPids().Where(pid => Stat(pid) is { } stat && stat.Pgid == pgid)];

    /// <summary>Resident memory of <paramref name="pid"/> (VmRSS), or 0 when it is gone.</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static (char State, int Pgid)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone while we looked
        }

        // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so split after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
