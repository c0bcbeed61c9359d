using System.Net;
using System.Net.Sockets;

namespace CortexHub.Cli.Tests;

/// <summary>How <c>cortex</c> fails: usage errors, authentication, an unreachable hub; always one message and an exit code, never a stack trace.</summary>
[Collection(HubCollection.Name)]
public sealed class CortexAppTests(HubFixture hub)
{
    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["nodes", "--bogus"], "Unrecognized command or argument '--bogus'" },
        { ["run", "--", "true"], "Option '--node' is required" },
        { ["run", "--node", "n"], "Required argument missing for command: 'run'" },
        { ["run", "--node", "n", "--"], "Required argument missing for command: 'run'" },
        { ["run", "--node", "n", "--timeout", "soon", "--", "true"], "soon" },
        { ["pool", "ls", "--state", "sleeping"], "sleeping" },
        { ["tasks", "--limit", "0"], "--limit must be between 1 and 1000" },
        { ["frobnicate"], "Unrecognized command or argument 'frobnicate'" },
        { [], "Required command was not provided" },
        { ["node", "provision", "x", "--label", "novalue"], "--label must be key=value" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task BadArguments_UsageErrorOnStderr_Exit2(string[] args, string message)
    {
        var result = await hub.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.StartsWith("cortex: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Contains("Usage:", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Help_PrintsUsageOnStdout_Exit0()
    {
        var result = await hub.RunAsync("run", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--node", result.Stdout);
    }

    [Fact]
    public async Task InvalidApiKey_Exit3_SaysTheKeyIsNotValid()
    {
        var result = await HubFixture.RunAsync(hub.LoggedIn("chk.admin.testkey.wrong-secret"), "nodes");

        Assert.True(result.ExitCode == ExitCodes.NotLoggedIn, result.ToString());
        Assert.Matches(@"^cortex: Authentication required: The API key is not valid\. \(error id [0-9a-f]{12}\)\n", result.Stderr);
        Assert.Contains("cortex login", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task NoConfigAtAll_Exit3_SaysHowToLogIn()
    {
        var result = await HubFixture.RunAsync(HubFixture.Environment(), "tasks");

        Assert.True(result.ExitCode == ExitCodes.NotLoggedIn, result.ToString());
        Assert.Contains("not logged in", result.Stderr);
        Assert.Contains("cortex login --hub URL --api-key KEY", result.Stderr);
    }

    [Fact]
    public async Task UnreachableHub_Exit6()
    {
        var environment = HubFixture.Environment(("CORTEX_HUB", $"http://127.0.0.1:{ClosedPort()}"), ("CORTEX_API_KEY", HubFixture.AdminKey));

        var nodes = await HubFixture.RunAsync(environment, "nodes");
        var run = await HubFixture.RunAsync(environment, "run", "--node", "n", "--", "true");

        Assert.True(nodes.ExitCode == ExitCodes.Unreachable, nodes.ToString());
        Assert.Matches(@"^cortex: cannot reach the hub at http://127\.0\.0\.1:\d+/: Connection refused\n$", nodes.Stderr);
        Assert.True(run.ExitCode == ExitCodes.Unreachable, run.ToString());
    }

    [Fact]
    public async Task HubOption_BeatsEnvironment()
    {
        var environment = HubFixture.Environment(("CORTEX_HUB", $"http://127.0.0.1:{ClosedPort()}"), ("CORTEX_API_KEY", HubFixture.AdminKey));

        var result = await HubFixture.RunAsync(environment, "nodes", "--hub", hub.Hub.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(HubFixture.NodeId, result.Stdout);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: connecting is refused
    }
}
