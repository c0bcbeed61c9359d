using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CortexHub.Protocol.V1;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// What the hub acknowledged and what its database keeps, with real silo processes: a database
/// that lost acknowledged events (the node no longer holds them) leaves a marked loss in the
/// journal and the task finishes; PostgreSQL run as the deploy configuration runs it and killed
/// under load loses nothing the hub acknowledged.
/// </summary>
public sealed partial class JournalLossTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloSigkilled_DatabaseLostAcknowledgedEvents_LossMarkedAndTaskFinishes()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Silos = 1, Nginx = false });
        using var api = cluster.Api(0);
        var token = await cluster.ProvisionAsync(api, "n1");
        var (node, _) = await TestNode.ConnectAsync(cluster.SiloGrpcAddress(0), "n1", token);
        using (var created = await api.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "n1", command = "stream" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var dispatch = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait)).Dispatch;
        await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.CommandId } });
        await node.SendEventAsync("t1", 1, e => e.Accepted = new TaskAccepted());
        await node.SendEventAsync("t1", 2, e => e.Started = new TaskStarted { Pid = 42 });
        await ReadAckAsync(node, 2); // the task's stored state covers up to here; output alone is not snapshotted
        for (var sequence = 3; sequence <= 10; sequence++)
        {
            await node.SendOutputAsync("t1", sequence, $"line {sequence}\n");
        }

        await ReadAckAsync(node, 10); // a node drops what is acknowledged: it holds nothing up to 10 now

        // The hub crashes and its database comes back without the last five acknowledged events,
        // as PostgreSQL with synchronous_commit=off does after an immediate stop.
        cluster.Kill(0);
        await cluster.WaitForExitAsync(0, Wait);
        await node.DisposeAsync();
        await storage.ExecuteScalarAsync("DELETE FROM task_events WHERE task_id = 't1' AND sequence > 5");
        await cluster.StartAsync(0);

        // The node resumes as the agent does: from the oldest event it still holds.
        var (back, welcome) = await TestNode.ConnectAsync(cluster.SiloGrpcAddress(0), "n1", token, new RunningTask { TaskId = "t1", LastSequenceSent = 10 });
        await using var _ = back;
        Assert.Equal(5UL, welcome.Resume.Single(r => r.TaskId == "t1").AckedSequence);
        await back.SendOutputAsync("t1", 11, "line 11\n");
        await back.SendResultAsync("t1", 12, exitCode: 0);

        await ReadAckAsync(back, 12);
        var task = (await api.GetFromJsonAsync<TaskSnapshot>("/api/v1/tasks/t1/wait?timeoutSeconds=30", ClusterWorkload.Json))!;
        Assert.Equal(TaskState.Succeeded, task.State);
        Assert.Equal("1,2,3,4,5,10,11,12", await storage.ExecuteScalarAsync("SELECT string_agg(sequence::text, ',' ORDER BY sequence) FROM task_events WHERE task_id = 't1'"));
        Assert.Equal($"{(int)TaskEventKind.Lost}", $"{await storage.ExecuteScalarAsync("SELECT kind FROM task_events WHERE task_id = 't1' AND sequence = 10")}");
        Assert.Equal("line 3\nline 4\nline 5\n[hub lost events 6–10]\nline 11\n", await api.GetStringAsync("/api/v1/tasks/t1/logs?format=raw"));
        using var view = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync("/api/v1/tasks/t1"));
        Assert.Equal("line 3\nline 4\nline 5\n[hub lost events 6–10]\nline 11\n", view.RootElement.GetProperty("stdout").GetProperty("display").GetString());
        // Followers see the marker live too, where the events were: the event stream replays the journal.
        var events = (await api.GetStringAsync("/api/v1/tasks/t1/events")).Replace("\r\n", "\n").Split("\n\n");
        var lost = Assert.Single(events, e => e.Contains("event: lost\n", StringComparison.Ordinal));
        using var marker = System.Text.Json.JsonDocument.Parse(lost[(lost.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
        Assert.Equal((10L, 6L, 10L, "[hub lost events 6–10]\n"), (marker.RootElement.GetProperty("sequence").GetInt64(), marker.RootElement.GetProperty("from").GetInt64(),
            marker.RootElement.GetProperty("to").GetInt64(), marker.RootElement.GetProperty("text").GetString()));
        Assert.Single(LostWarning().Matches(cluster.SiloOutput(0)));
    }

    [Fact]
    public async Task PostgresKilledUnderLoad_DeployConfiguration_EveryAcknowledgedLineKept_NoTaskWedges()
    {
        var settings = DeployPostgresSettings();
        await using var server = await PostgresServer.StartAsync(settings);
        var storage = TestStorage.ForPostgres(server.ConnectionString, "deploy");
        foreach (var (name, expected) in new[] { ("fsync", "on"), ("synchronous_commit", "on"), ("full_page_writes", "on") })
        {
            Assert.Equal(expected, $"{await TestPostgres.ExecuteScalarAsync(server.ConnectionString, "public", $"SHOW {name}")}");
        }

        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Silos = 2, Nginx = false, Environment = ProcessClusterOptions.FastFailover() });
        await using var load = new ClusterWorkload(cluster, outputChunks: 200);
        var addresses = Enumerable.Range(0, cluster.Count).Select(cluster.SiloGrpcAddress).ToList();
        await load.StartNodesAsync(20, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(20), addresses, i => i % cluster.Count);
        await load.DispatchToEveryNodeAsync("pg");
        await load.WaitForAcknowledgedOutputAsync("pg", 10);

        // Killed mid-stream: commits in flight are cut, recovery replays the WAL at the next start.
        var acknowledgedBefore = load.Nodes.Sum(n => n.Acknowledged.Values.Sum());
        var clock = Stopwatch.StartNew();
        await server.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartAgainAsync();
        output.WriteLine($"PostgreSQL killed (immediate stop) with {acknowledgedBefore} events acknowledged, back after {clock.Elapsed.TotalSeconds:F1} s");

        // Every task finishes, its journal exactly what its node wrote (so every acknowledged line is
        // there) and the hub keeps at least what it acknowledged; no range had to be marked lost.
        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(0L, await storage.ExecuteScalarAsync($"SELECT count(*) FROM task_events WHERE kind = {(int)TaskEventKind.Lost}"));
    }

    /// <summary>The postgresql.conf lines deploy/local-cluster.sh writes, minus where it listens (the test server chooses).</summary>
    private static List<string> DeployPostgresSettings()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "local-cluster.sh"));
        var conf = DeployConf().Match(script);
        Assert.True(conf.Success, "deploy/local-cluster.sh no longer writes postgresql.conf with a CONF here-document");
        return [.. conf.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("listen_addresses", StringComparison.Ordinal) && !line.StartsWith("unix_socket_directories", StringComparison.Ordinal))];
    }

    private static async Task ReadAckAsync(TestNode node, long sequence) =>
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && (long)m.Ack.Sequence >= sequence, Wait);

    [GeneratedRegex(@"postgresql\.conf"" <<CONF\n(.*?)\nCONF\n", RegexOptions.Singleline)]
    private static partial Regex DeployConf();

    [GeneratedRegex(@"events 6–10 were acknowledged")]
    private static partial Regex LostWarning();
}
