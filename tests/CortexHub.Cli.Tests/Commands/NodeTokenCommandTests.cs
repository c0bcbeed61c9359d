using System.Text.RegularExpressions;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex node token rotate|revoke</c>: the printed token really connects a node, and a revoked one does not.</summary>
[Collection(HubCollection.Name)]
public sealed class NodeTokenCommandTests(HubFixture hub)
{
    [Fact]
    public async Task NodeToken_Rotate_PrintsANewTokenThatConnects_Revoke_LocksTheNodeOut()
    {
        var nodeId = "tok-" + Guid.NewGuid().ToString("N")[..10];
        var provisioned = await hub.RunAsync("node", "provision", nodeId);
        Assert.True(provisioned.ExitCode == 0, provisioned.ToString());
        var first = Regex.Match(provisioned.Stdout, @"Token \(shown this once\): (\S+)").Groups[1].Value;

        var rotated = await hub.RunAsync("node", "token", "rotate", nodeId);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var token = Regex.Match(rotated.Stdout, @"^New token for node \S+ \(shown this once; the old one no longer works\):\n  (\S+)\n").Groups[1].Value;
        Assert.True(token.Length > 0 && token != first, rotated.ToString());
        await Assert.ThrowsAnyAsync<Exception>(() => TestNode.ConnectAsync(hub.Cluster[0].GrpcAddress, nodeId, first));
        var (node, _) = await TestNode.ConnectAsync(hub.Cluster[0].GrpcAddress, nodeId, token);
        await node.DisposeAsync();

        var revoked = await hub.RunAsync("node", "token", "revoke", nodeId);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains($"Token of node {nodeId} revoked", revoked.Stdout);
        await Assert.ThrowsAnyAsync<Exception>(() => TestNode.ConnectAsync(hub.Cluster[0].GrpcAddress, nodeId, token));
    }

    [Fact]
    public async Task NodeToken_Json_PrintsTheHubsAnswer_UnknownNodeExits4()
    {
        var nodeId = "tok-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, (await hub.RunAsync("node", "provision", nodeId)).ExitCode);

        var rotated = await hub.RunAsync("node", "token", "rotate", nodeId, "--json");
        var unknown = await hub.RunAsync("node", "token", "rotate", "no-such-node");
        var unknownRevoke = await hub.RunAsync("node", "token", "revoke", "no-such-node");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(rotated.Stdout)!;
        Assert.Equal(nodeId, json["nodeId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(json["token"]!.GetValue<string>()));
        Assert.True(unknown.ExitCode == ExitCodes.NotFound, unknown.ToString());
        Assert.True(unknownRevoke.ExitCode == ExitCodes.NotFound, unknownRevoke.ToString());
    }
}
