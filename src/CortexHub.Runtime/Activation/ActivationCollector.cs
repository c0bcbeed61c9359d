using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime.Activation;

/// <summary>Deactivates activations idle past <see cref="GrainRuntimeOptions.IdleDeactivationAge"/>, so memory follows the working set.</summary>
internal sealed class ActivationCollector(GrainRuntime runtime, TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(runtime.Options.IdleCollectionInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            RunOnce();
        }
    }

    /// <summary>Queues an idle check for every activation past the idle age; returns how many were queued.</summary>
    public int RunOnce()
    {
        var queued = runtime.CollectIdle();
        if (queued > 0)
        {
            runtime.Logger.IdleCollected(queued);
        }

        return queued;
    }
}
