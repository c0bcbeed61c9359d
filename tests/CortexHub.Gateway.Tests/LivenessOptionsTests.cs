using Microsoft.Extensions.Options;

namespace CortexHub.Gateway.Tests;

/// <summary>The liveness settings are checked together at start-up (docs/protocol.md section 5).</summary>
public sealed class LivenessOptionsTests
{
    [Fact]
    public async Task Silo_HeartbeatIntervalPlusFlushNotBelowPresenceTtl_RefusesToStart()
    {
        // Beats every 12 s, written every 3 s: a node beating on time would show offline between beats with a 15 s TTL.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HubFixture.StartAsync(StorageKind.Sqlite, configure: o =>
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:12"));

        Assert.Contains("CortexHub:Nodes:HeartbeatTtl (00:00:15) must be longer than CortexHub:Gateway:NodeHeartbeatInterval (00:00:12) + CortexHub:Nodes:HeartbeatFlushInterval (00:00:03)", error.Message);
    }

    [Fact]
    public async Task Silo_ShortIntervalWithShortTtl_Starts()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite, configure: o =>
        {
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:01";
            o.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:00:03";
            o.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.500";
        });

        Assert.True(cluster[0].IsRunning);
    }
}
