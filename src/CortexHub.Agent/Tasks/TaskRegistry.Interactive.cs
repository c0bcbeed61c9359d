using CortexHub.Agent.Logging;
using CortexHub.Protocol.V1;

namespace CortexHub.Agent.Tasks;

/// <summary>Input and resize commands for the tasks the node holds.</summary>
/// <remarks>
/// Unlike dispatches and cancels, these commands are not remembered by command id: the offset (input) and the
/// generation (resize) already make a redelivery harmless, and a stream of keystrokes must not push the ids of
/// dispatches out of the remembered set.
/// </remarks>
public sealed partial class TaskRegistry
{
    /// <summary>
    /// Handles a TaskInput: queues its new bytes for the task's program, then calls <paramref name="acknowledge"/>
    /// (send CommandAck). Input for a task the node does not hold, that takes no input or whose input is over is
    /// acknowledged and dropped. Input the task cannot take now (<see cref="InputOffer.Gap"/>,
    /// <see cref="InputOffer.Full"/>) is not acknowledged: the hub delivers it again on the next stream.
    /// </summary>
    public async ValueTask<InputOffer> InputAsync(TaskInput input, Func<ValueTask> acknowledge)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(acknowledge);
        var task = Find(input.TaskId);
        if (task is null)
        {
            AgentLog.InputForUnknownTask(_logger, input.TaskId, input.CommandId);
            await acknowledge().ConfigureAwait(false);
            return InputOffer.Ignored;
        }

        var offer = task.Runner.OfferInput(input);
        switch (offer)
        {
            case InputOffer.Gap or InputOffer.Full:
                AgentLog.InputRefused(_logger, input.TaskId, input.Offset, input.Data.Length, input.CommandId, offer, task.Runner.InputTaken);
                return offer;
            case InputOffer.Ignored:
                AgentLog.InputIgnored(_logger, input.TaskId, input.CommandId);
                break;
        }

        await acknowledge().ConfigureAwait(false);
        return offer;
    }

    /// <summary>
    /// Handles a ResizeTerminal: applies it to the task's terminal unless it is not newer than the last one, then
    /// calls <paramref name="acknowledge"/>. For a task the node does not hold, or without a terminal, only acknowledges.
    /// </summary>
    /// <returns>True when the size was applied.</returns>
    public async ValueTask<bool> ResizeAsync(ResizeTerminal resize, Func<ValueTask> acknowledge)
    {
        ArgumentNullException.ThrowIfNull(resize);
        ArgumentNullException.ThrowIfNull(acknowledge);
        var applied = Find(resize.TaskId) is { } task && task.Runner.Resize((int)Math.Min(resize.Columns, int.MaxValue), (int)Math.Min(resize.Rows, int.MaxValue), resize.Generation);
        if (!applied)
        {
            AgentLog.ResizeIgnored(_logger, resize.TaskId, resize.Columns, resize.Rows, resize.Generation);
        }

        await acknowledge().ConfigureAwait(false);
        return applied;
    }
}
