namespace CortexHub.Runtime.Activation;

/// <summary>One turn waiting in an activation's mailbox.</summary>
internal abstract class WorkItem
{
    public abstract Task ExecuteAsync(ActivationSlot slot);

    /// <summary>The silo is gone (killed): fail the waiting caller, if any.</summary>
    public abstract void Abandon(Exception reason);
}
