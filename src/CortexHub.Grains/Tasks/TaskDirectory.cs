using System.Text.Json;
using CortexHub.Runtime.Storage.Relational;

namespace CortexHub.Grains.Tasks;

/// <summary>Lists tasks (newest first) straight from the grain-state table, one query, without activating them.</summary>
public sealed class TaskDirectory(RelationalDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<IReadOnlyList<TaskSnapshot>> ListAsync(string? owner, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("TaskList", command =>
        {
            RelationalDatabase.Bind(command, "@owner", owner);
            RelationalDatabase.Bind(command, "@limit", Math.Clamp(limit, 1, 1000));
        }, reader =>
        {
            var state = JsonSerializer.Deserialize<TaskGrainState>(reader.GetString(1), Json) ?? new TaskGrainState();
            return new TaskSnapshot(reader.GetString(0), state.Spec is not null, state.Spec, state.State, state.Transitions, state.AckedSequence, state.Result);
        }, cancellationToken);
}
