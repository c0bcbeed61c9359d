namespace CortexHub.Grains.Events;

/// <summary>What a subscriber can listen to: one node, all nodes of a user, one task, or everything (admins).</summary>
public static class EventTopics
{
    public const string All = "*";

    public static string Node(string nodeId) => "node:" + nodeId;

    public static string User(string userId) => "user:" + userId;

    public static string Task(string taskId) => "task:" + taskId;

    /// <summary>The topics an event is published on.</summary>
    public static IEnumerable<string> Of(HubEvent e)
    {
        yield return All;
        if (e.NodeId is not null)
        {
            yield return Node(e.NodeId);
        }

        if (e.UserId is not null)
        {
            yield return User(e.UserId);
        }

        if (e.TaskId is not null)
        {
            yield return Task(e.TaskId);
        }
    }
}
