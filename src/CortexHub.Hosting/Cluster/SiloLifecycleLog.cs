using CortexHub.Storage;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Hosting.Cluster;

/// <summary>
/// One log line when the silo has joined the cluster and one when it has left it (Orleans' own
/// start and stop steps log below Warning here), so an operator sees both ends of a silo's life.
/// </summary>
internal sealed partial class SiloLifecycleLog(ILocalSiloDetails silo, IStorageBackend backend, ILogger<SiloLifecycleLog> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        // Active: membership says this silo is active. First: stopped last, after the silo left.
        lifecycle.Subscribe(nameof(SiloLifecycleLog), ServiceLifecycleStage.Active, _ =>
        {
            LogJoined(silo.Name, silo.SiloAddress.ToParsableString(), backend.Name);
            return Task.CompletedTask;
        });
        lifecycle.Subscribe(nameof(SiloLifecycleLog), ServiceLifecycleStage.First, _ => Task.CompletedTask, _ =>
        {
            LogLeft(silo.Name, silo.SiloAddress.ToParsableString());
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(1301, LogLevel.Information, "Silo {SiloName} ({SiloId}) joined the cluster on {Backend} storage")]
    private partial void LogJoined(string siloName, string siloId, string backend);

    [LoggerMessage(1302, LogLevel.Information, "Silo {SiloName} ({SiloId}) left the cluster")]
    private partial void LogLeft(string siloName, string siloId);
}
