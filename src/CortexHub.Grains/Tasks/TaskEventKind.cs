namespace CortexHub.Grains.Tasks;

/// <summary>Kinds of journal events, as stored (numbers are persisted: never renumber).</summary>
public enum TaskEventKind
{
    Accepted = 1,
    Started = 2,
    Output = 3,
    Thought = 4,
    Progress = 5,
    Result = 6,

    /// <summary>Events the hub acknowledged and lost (see <see cref="LostEvents"/>); written by the hub, never sent by a node.</summary>
    Lost = 7,
}
