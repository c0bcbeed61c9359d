using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Hosting.Cluster;

/// <summary>
/// Follows Orleans' membership view on this silo: logs each other silo's change of status as this
/// silo learns it (so an operator can read how long a crashed silo took to be declared dead), and
/// lets a waiter wake on the next change (<see cref="NextChange"/>) — the failover retry waits on
/// it rather than sleeping past the moment a dead silo's grains can be activated elsewhere.
/// </summary>
internal sealed partial class MembershipChanges(IClusterMembershipService membership, ILocalSiloDetails local, TimeProvider time, ILogger<MembershipChanges> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _watching = Task.CompletedTask;

    /// <summary>Completes when this silo's membership view next changes.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    /// <summary>How long ago this silo's membership view last changed (since start, if it never did).</summary>
    public TimeSpan SinceLastChange => time.GetElapsedTime(Interlocked.Read(ref _lastChange));

    private long _lastChange = time.GetTimestamp();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MembershipChanges), ServiceLifecycleStage.RuntimeGrainServices, _ =>
        {
            _watching = Task.Run(() => WatchAsync(_stop.Token));
            return Task.CompletedTask;
        }, async _ =>
        {
            await _stop.CancelAsync();
            await _watching;
        });

    private async Task WatchAsync(CancellationToken stop)
    {
        var known = membership.CurrentSnapshot;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stop))
            {
                foreach (var (address, member) in snapshot.Members)
                {
                    var before = known.GetSiloStatus(address);
                    if (member.Status != before && !address.Equals(local.SiloAddress))
                    {
                        LogStatus(logger, member.Name, address.ToParsableString(), before, member.Status);
                    }
                }

                known = snapshot;
                Interlocked.Exchange(ref _lastChange, time.GetTimestamp());
                Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1303, LogLevel.Information, "Membership: silo {SiloName} ({SiloId}) went from {Before} to {After}")]
    private static partial void LogStatus(ILogger logger, string siloName, string siloId, SiloStatus before, SiloStatus after);
}
