using CortexHub.Hosting;
using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>: a real host with its own services and storage connections.</summary>
public sealed class TestSilo
{
    internal TestSilo(IHost host)
    {
        Host = host;
        SiloId = host.Services.GetRequiredService<SiloIdentity>().SiloId;
    }

    public IHost Host { get; }

    public string SiloId { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>A grain reference through this silo (the call goes wherever Orleans placed the activation).</summary>
    public TGrain GetGrain<TGrain>(string key) where TGrain : Orleans.IGrainWithStringKey => Cluster.GetGrain<TGrain>(key);

    /// <summary>This silo's Orleans address (as grains report where they run).</summary>
    public string OrleansSilo => Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToString();

    /// <summary>The silo's grain factory.</summary>
    public Orleans.IGrainFactory Cluster => Services.GetRequiredService<Orleans.IGrainFactory>();

    /// <summary>The silo's HTTP address (API, health).</summary>
    public Uri HttpAddress => Services.GetRequiredService<SiloEndpoints>().HttpAddress;

    /// <summary>The silo's gRPC address (node streams).</summary>
    public Uri GrpcAddress => Services.GetRequiredService<SiloEndpoints>().GrpcAddress;

    public bool IsRunning { get; private set; } = true;

    /// <summary>Graceful stop: deactivations save state, leases are released, the silo leaves the cluster table.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        IsRunning = false;
        await Host.StopAsync();
        Host.Dispose();
    }

    /// <summary>Abrupt death: no deactivation, no save, no goodbye; its cluster row goes stale until the TTL passes.</summary>
    public void Kill()
    {
        if (!IsRunning)
        {
            return;
        }

        IsRunning = false;
        Services.GetRequiredService<SiloLifecycle>().Kill();

        // Orleans' ungraceful stop (what TestingHost's KillSiloAsync does): no deactivations or
        // state saves; the silo still marks itself dead, so a real crash needs a real process.
        try
        {
            Services.GetRequiredService<Orleans.Runtime.Silo>().StopAsync(new CancellationToken(canceled: true)).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
    }
}
