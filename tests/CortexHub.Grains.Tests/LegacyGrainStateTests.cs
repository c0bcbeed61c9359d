using System.Text.Json;

namespace CortexHub.Grains.Tests;

/// <summary>State the earlier home-made runtime stored (JSON in grain_state) is still taken over by Orleans grains.</summary>
public sealed class LegacyGrainStateTests
{
    [Fact]
    public async Task Task_StoredByTheEarlierRuntime_ImportedOnFirstActivation_NewTaskStartsEmpty()
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) });
        var saved = new TaskGrainState { Spec = new TaskSpec("n1", "true", "alice"), State = TaskState.Succeeded, AckedSequence = 3 };
        var payload = JsonSerializer.Serialize(saved, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        await cluster.Storage.ExecuteScalarAsync(
            $"INSERT INTO grain_state (grain_type, grain_key, version, payload, updated_at) VALUES ('task', 't-old', 1, '{payload}', 0)");

        var old = await cluster.GetGrain<ITaskGrain>("t-old").GetAsync();
        Assert.True(old.Exists);
        Assert.Equal(TaskState.Succeeded, old.State);
        Assert.Equal(3, old.AckedSequence);

        // Once the type is known to have old rows, a task without one still starts empty.
        Assert.False((await cluster.GetGrain<ITaskGrain>("t-new").GetAsync()).Exists);
    }
}
