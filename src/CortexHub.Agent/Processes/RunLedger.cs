using System.Globalization;
using System.Text.Json;

namespace CortexHub.Agent.Processes;

/// <summary>
/// The agent's durable list of the task processes it runs: one small file per run in <c>{state}/runs/</c>, written
/// once the process exists and deleted once its process group is gone. An agent that is SIGKILLed (or OOM-killed)
/// cannot stop its tasks, and their processes outlive it; the files it leaves behind name exactly the runs that
/// may still be going, so the next agent on this state directory stops them before it says Hello (see
/// <see cref="SurvivingRuns"/>).
/// </summary>
/// <remarks>
/// The files need no fsync: they only have to survive the agent process, and a crash of the machine ends the runs
/// they describe as well. Each file is written to a temporary name and renamed, so a reader never sees half a record.
/// Thread-safe: each run has its own file.
/// </remarks>
internal sealed class RunLedger
{
    private const string Extension = ".run";

    private static readonly Lazy<string> CurrentBootId = new(ReadBootId);

    /// <summary>Uses <c>runs/</c> under <paramref name="stateDirectory"/>; nothing is touched before <see cref="Open"/>.</summary>
    public RunLedger(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        Directory = Path.Combine(stateDirectory, "runs");
    }

    /// <summary>The folder holding one file per run.</summary>
    public string Directory { get; }

    /// <summary>Creates the folder (owner-only) if it is missing.</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be created.</exception>
    public void Open() =>
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>
    /// Records that <paramref name="processId"/> runs <paramref name="taskId"/>. Returns null when the process is
    /// already gone (nothing can outlive the agent then).
    /// </summary>
    /// <exception cref="IOException">The record could not be written.</exception>
    public RunRecord? Add(string taskId, int processId, bool ownsGroup)
    {
        if (ProcessStat.TryRead(processId) is not { } stat)
        {
            return null;
        }

        var record = new RunRecord(taskId, processId, ownsGroup, stat.StartTime, CurrentBootId.Value);
        var path = PathOf(record);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, RunLedgerJson.Default.RunRecord));
        File.Move(temporary, path, overwrite: true);
        return record;
    }

    /// <summary>Forgets a run whose processes are all gone.</summary>
    public void Remove(RunRecord record) => File.Delete(PathOf(record));

    /// <summary>
    /// The runs recorded by earlier agents on this state directory (or by this one). Records from an earlier boot
    /// and unreadable leftovers (a temporary file of an interrupted write) are deleted: they name no live process.
    /// </summary>
    public IReadOnlyList<RunRecord> List()
    {
        var records = new List<RunRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var record = path.EndsWith(Extension, StringComparison.Ordinal) ? TryRead(path) : null;
            if (record is null || record.BootId != CurrentBootId.Value)
            {
                File.Delete(path);
                continue;
            }

            records.Add(record);
        }

        return records;
    }

    private static RunRecord? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RunLedgerJson.Default.RunRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string PathOf(RunRecord record) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{record.ProcessId}-{record.StartTime}{Extension}"));

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ""; // no boot id: records are then matched by pid and start time alone
        }
    }
}
