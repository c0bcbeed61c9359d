using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CortexHub.Protocol.V1;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// What the hub acknowledged and what its database keeps, with real silo processes: a database
/// that lost acknowledged events (the node no longer holds them) leaves a marked loss in the
/// journal and the task finishes.
/// </summary>
public sealed partial class JournalLossTests
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
        Assert.Single(LostWarning().Matches(cluster.SiloOutput(0)));
    }

    private static async Task ReadAckAsync(TestNode node, long sequence) =>
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && (long)m.Ack.Sequence >= sequence, Wait);

    [GeneratedRegex(@"events 6–10 were acknowledged")]
    private static partial Regex LostWarning();
}
