using CortexHub.Grains.Nodes;
using CortexHub.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>: a real host with its own services and storage connections.</summary>
public sealed class TestSilo
{
    internal TestSilo(IHost host)
    {
        Host = host;
        SiloId = host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString();
    }

    private readonly List<RecordingNodeStream> _streams = [];

    public IHost Host { get; }

    /// <summary>This silo's id as node presence records it (its Orleans address, <c>ip:port@generation</c>).</summary>
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

    /// <summary>
    /// What a gateway on this silo reports when a node's stream connects, for tests that call the
    /// node grain directly; <paramref name="stream"/> receives what the node grain tells the stream.
    /// </summary>
    public NodeConnectInfo NodeConnection(string connectionId, RecordingNodeStream? stream = null)
    {
        stream ??= new RecordingNodeStream();
        lock (_streams)
        {
            _streams.Add(stream); // Orleans holds observers weakly
        }

        return new NodeConnectInfo(SiloId, connectionId, "1.0", "host", new Dictionary<string, string>(), "", Cluster.CreateObjectReference<INodeStream>(stream));
    }

    /// <summary>Graceful stop: node streams drain, grains deactivate, the silo leaves the cluster.</summary>
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

    /// <summary>Abrupt death (as far as one process allows): its loops and storage calls stop at once, no deactivation, no save.</summary>
    public void Kill()
    {
        if (!IsRunning)
        {
            return;
        }

        IsRunning = false;
        Services.GetRequiredService<SiloKillSwitch>().Kill();

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
