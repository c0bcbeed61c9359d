namespace CortexHub.Runtime.Activation;

/// <summary>Deactivates the current instance; for <see cref="DeactivationReason.Idle"/> only if it is still idle.</summary>
internal sealed class DeactivateWorkItem(DeactivationReason reason) : WorkItem
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    public override async Task ExecuteAsync(ActivationSlot slot)
    {
        try
        {
            if (reason != DeactivationReason.Idle || slot.IsIdle())
            {
                await slot.DeactivateAsync(reason);
            }
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    public override void Abandon(Exception reason) => _completion.TrySetResult();
}
