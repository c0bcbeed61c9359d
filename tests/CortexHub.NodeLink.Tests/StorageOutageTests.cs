using System.Text.RegularExpressions;
using CortexHub.NodeLink.Tests.Infrastructure;

namespace CortexHub.NodeLink.Tests;

/// <summary>
/// A silo process whose PostgreSQL is down: a node connecting meanwhile is told to retry
/// (UNAVAILABLE), and each attempt costs the log one line, not a stack trace.
/// </summary>
public sealed partial class StorageOutageTests
{
    private const int Attempts = 3;

    [Fact]
    public async Task Connect_PostgresStopped_UnavailableWithOneLogLinePerAttempt()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "outage");
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Silos = 1, Nginx = false });
        using var api = cluster.Api(0);
        var token = await cluster.ProvisionAsync(api, "n1");

        await server.StopAsync();
        var before = cluster.SiloOutput(0).Split('\n').Length;
        var statuses = new List<Status>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => TestNode.ConnectAsync(cluster.SiloGrpcAddress(0), "n1", token));
            statuses.Add(error.Status);
        }

        string[] gatewayLines = [];
        await TestCluster.WaitUntilAsync(() =>
        {
            gatewayLines = [.. cluster.SiloOutput(0).Split('\n').Skip(before - 1).Where(line => line.Contains("CortexHub.Gateway.", StringComparison.Ordinal))];
            return Task.FromResult(gatewayLines.Length >= Attempts);
        }, Deadlines.Call, "the gateway logged the failed attempts");
        var logged = string.Join(Environment.NewLine, gatewayLines.Select(line => line.Length > 400 ? line[..400] + " …" : line));
        Assert.All(statuses, s => Assert.True(s.StatusCode == StatusCode.Unavailable, $"status {s.StatusCode}: {s.Detail}; the gateway logged:{Environment.NewLine}{logged}"));
        Assert.All(statuses, s => Assert.Contains("error id", s.Detail));
        Assert.True(gatewayLines.Length == Attempts, $"expected {Attempts} gateway log lines, got {gatewayLines.Length}:{Environment.NewLine}{logged}");
        Assert.False(gatewayLines.Any(StackFrame().IsMatch), $"a gateway log line carries a stack trace:{Environment.NewLine}{logged}");

        // PostgreSQL back: the node connects again without help.
        await server.StartAgainAsync();
        await TestCluster.WaitUntilAsync(async () =>
        {
            try
            {
                var (node, _) = await TestNode.ConnectAsync(cluster.SiloGrpcAddress(0), "n1", token);
                await node.DisposeAsync();
                return true;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, Deadlines.Burst, "the node connects once PostgreSQL is back");
    }

    /// <summary>A .NET stack frame as exception text prints it ("at Namespace.Type.Method(").</summary>
    [GeneratedRegex(@"\bat [\w.`<>+]+\(")]
    private static partial Regex StackFrame();
}
