using System.Diagnostics;
using CortexHub.Agent.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

/// <summary>
/// The run ledger and the clean-up of runs a killed agent left behind, with real process groups (setsid) standing in
/// for the tasks of an agent that was SIGKILLed.
/// </summary>
public sealed class SurvivingRunsTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("cortexhub-agent-state-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        Directory.Delete(_state, recursive: true);
    }

    [Fact]
    public async Task StopAll_GroupLeftRunning_TermsEveryMemberAndForgetsTheRun()
    {
        var ledger = OpenLedger();
        var marker = Path.Combine(_state, "terminated");
        var ready = Path.Combine(_state, "ready");
        var leader = StartGroup($"trap 'echo term > {marker}; exit 143' TERM; sleep 60 & sleep 60 & touch {ready}; wait");
        var record = ledger.Add("task-1", leader.Id, ownsGroup: true);

        // A SIGTERM that came before the trap was set would end the shell without the marker.
        await WaitUntilAsync(() => File.Exists(ready), "the run set its trap");
        Assert.NotNull(record);
        Assert.Single(ledger.List());

        var found = await new SurvivingRuns(ledger, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance)
            .StopAllAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(1, found);
        Assert.True(File.Exists(marker), "the run got SIGTERM first, so it could stop cleanly");
        Assert.Empty(LiveGroupMembers(leader.Id));
        Assert.Empty(ledger.List());
    }

    [Fact]
    public async Task StopAll_SessionWithAJobInAGroupOfItsOwn_StopsTheJobToo()
    {
        // An interactive shell (job control on) runs each job in its own group within the task's session.
        var ledger = OpenLedger();
        var jobFile = Path.Combine(_state, "job");
        var leader = StartGroup($"set -m; sleep 60 & echo $! > {jobFile}.tmp; mv {jobFile}.tmp {jobFile}; wait");
        ledger.Add("interactive", leader.Id, ownsGroup: true);
        await WaitUntilAsync(() => File.Exists(jobFile), "the job started");
        var job = int.Parse(File.ReadAllText(jobFile).Trim());
        Assert.NotEqual(leader.Id, ProcessStat.TryRead(job)!.Value.Group);

        var found = await new SurvivingRuns(ledger, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance)
            .StopAllAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(1, found);
        Assert.True(ProcessStat.TryRead(job) is null or { IsZombie: true }, $"the job {job} survived its session");
        Assert.Empty(ledger.List());
    }

    [Fact]
    public async Task StopAll_GroupIgnoringSigterm_IsKilledAfterTheGrace()
    {
        var ledger = OpenLedger();
        var leader = StartGroup("trap '' TERM; sleep 60 & wait");
        ledger.Add("stubborn", leader.Id, ownsGroup: true);

        var found = await new SurvivingRuns(ledger, TimeSpan.FromMilliseconds(300), TimeProvider.System, NullLogger.Instance)
            .StopAllAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(1, found);
        Assert.Empty(LiveGroupMembers(leader.Id));
        Assert.Empty(ledger.List());
    }

    [Fact]
    public async Task StopAll_RecordWhosePidNowNamesAnotherProcess_LeavesThatProcessAlone()
    {
        var ledger = OpenLedger();
        var unrelated = StartGroup("sleep 60");
        var record = ledger.Add("old-task", unrelated.Id, ownsGroup: true)!;

        // The same pid with another start time: the recorded run ended and the pid was given to someone else.
        File.Delete(Directory.EnumerateFiles(ledger.Directory).Single());
        var stale = record with { StartTime = record.StartTime - 1 };
        await File.WriteAllTextAsync(
            Path.Combine(ledger.Directory, $"{stale.ProcessId}-{stale.StartTime}.run"),
            System.Text.Json.JsonSerializer.Serialize(stale, RunLedgerJson.Default.RunRecord));

        var found = await new SurvivingRuns(ledger, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance)
            .StopAllAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, found);
        Assert.False(unrelated.HasExited);
        Assert.Empty(ledger.List());
    }

    [Fact]
    public async Task TaskRunner_WithLedger_RecordsTheRunWhileItRunsAndForgetsItOnceGone()
    {
        var ledger = OpenLedger();
        var sink = new RecordingSink(new TaskEventBuffer("ledgered", maxUnackedBytes: 1024 * 1024));
        var runner = new TaskRunner(Dispatches.Of("sleep 60", taskId: "ledgered"), sink, Dispatches.RunnerOptions(), TimeProvider.System, NullLogger.Instance, ledger);
        var run = runner.RunAsync();
        await WaitUntilAsync(() => runner.ProcessId is not null && ledger.List().Count == 1, "the run is recorded");
        Assert.Equal(runner.ProcessId, ledger.List().Single().ProcessId);
        Assert.Equal("ledgered", ledger.List().Single().TaskId);

        runner.Stop(TaskStopReason.Cancelled);
        await run.WaitAsync(TestTimeouts.Default);

        Assert.Empty(ledger.List());
    }

    [Fact]
    public async Task GatedStart_AgentGoneBeforeTheGateOpens_CommandNeverRuns()
    {
        var marker = Path.Combine(_state, "ran");
        var gated = ProcessGroup.Start("/bin/bash", $"touch {marker}", null, [], useProcessGroup: true, gated: true);

        // What an agent that dies before recording the run leaves: the gate's pipe closed without the line.
        gated.Dispose();
        await WaitUntilAsync(() => ProcessStat.TryRead(gated.ProcessId) is null or { IsZombie: true }, "the gated shell ended");

        Assert.False(File.Exists(marker), "the command ran although its gate never opened");
    }

    [Fact]
    public async Task GatedStart_GateOpened_RunsTheCommandWithStdinAtEndOfFile()
    {
        var output = Path.Combine(_state, "out");
        using var gated = ProcessGroup.Start("/bin/bash", $"echo \"[$$] [$(cat)]\" > {output}", null, [], useProcessGroup: true, gated: true);

        gated.OpenGate();
        await gated.WaitForExitAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal($"[{gated.ProcessId}] []\n", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public void StateDirectoryLock_SecondAgentOnTheSameFolder_IsRefusedWithAClearError()
    {
        using var first = StateDirectoryLock.Acquire(_state);

        var error = Assert.Throws<IOException>(() => StateDirectoryLock.Acquire(_state));

        Assert.Contains("another agent uses this state directory", error.Message);
    }

    private RunLedger OpenLedger()
    {
        var ledger = new RunLedger(_state);
        ledger.Open();
        return ledger;
    }

    private Process StartGroup(string script)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "--wait", "bash", "-c", script })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }

    /// <summary>Live (not zombie) processes of group <paramref name="pgid"/>.</summary>
    private static List<int> LiveGroupMembers(int pgid) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcessStat.TryRead(pid) is { IsZombie: false } stat && stat.Group == pgid)];

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token).ConfigureAwait(false);
        }
    }
}
