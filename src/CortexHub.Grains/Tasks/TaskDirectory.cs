using System.Text.Json;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// The task directory: what a listing shows of each task, written by the task grain at every state
/// write, so tasks are listed newest first in one query without activating them.
/// </summary>
public sealed class TaskDirectory(RelationalDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<IReadOnlyList<TaskSnapshot>> ListAsync(string? owner, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("TaskList", command =>
        {
            RelationalDatabase.Bind(command, "@owner", owner);
            RelationalDatabase.Bind(command, "@limit", Math.Clamp(limit, 1, 1000));
        }, ReadSnapshot, cancellationToken);

    /// <summary>The tasks whose ids start with <paramref name="prefix"/>, in id order (for ids given like git's short ones).</summary>
    public Task<IReadOnlyList<TaskSnapshot>> ListByIdPrefixAsync(string? owner, string prefix, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("TaskListByIdPrefix", command =>
        {
            RelationalDatabase.Bind(command, "@owner", owner);
            RelationalDatabase.Bind(command, "@prefix", prefix);
            RelationalDatabase.Bind(command, "@limit", Math.Clamp(limit, 1, 1000));
        }, ReadSnapshot, cancellationToken);

    private static TaskSnapshot ReadSnapshot(System.Data.Common.DbDataReader reader)
    {
        var listing = JsonSerializer.Deserialize<Listing>(reader.GetString(1), Json) ?? new Listing(null, default, null, 0, null);
        return new TaskSnapshot(reader.GetString(0), listing.Spec is not null, listing.Spec, listing.State,
            listing.Transitions ?? new Dictionary<TaskState, DateTimeOffset>(), listing.AckedSequence, listing.Result);
    }

    /// <summary>Records the task as it is now (only a dispatched task, one with a spec, is listed).</summary>
    public Task PutAsync(string taskId, TaskGrainState state, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        state.Spec is not { } spec ? Task.CompletedTask : (Task)database.ExecuteAsync("TaskDirectoryPut", command =>
        {
            RelationalDatabase.Bind(command, "@task", taskId);
            RelationalDatabase.Bind(command, "@created_by", spec.CreatedBy);
            RelationalDatabase.Bind(command, "@listing", JsonSerializer.Serialize(
                new Listing(spec, state.State, state.Transitions, state.AckedSequence, state.Result), Json));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task DeleteAsync(string taskId, CancellationToken cancellationToken = default) =>
        (Task)database.ExecuteAsync("TaskDirectoryDelete", command => RelationalDatabase.Bind(command, "@task", taskId), cancellationToken);

    /// <summary>The listed fields, in the JSON form tasks of the earlier home-made runtime were stored in (migration 8 copied them).</summary>
    private sealed record Listing(
        TaskSpec? Spec, TaskState State, IReadOnlyDictionary<TaskState, DateTimeOffset>? Transitions, long AckedSequence, TaskResultInfo? Result);
}
