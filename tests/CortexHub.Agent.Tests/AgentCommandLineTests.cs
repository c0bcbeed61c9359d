using System.Diagnostics;
using CortexHub.Agent.Cli;

namespace CortexHub.Agent.Tests;

public sealed class AgentCommandLineTests
{
    private static AgentCommandLineResult Parse(string[] args, string? envToken = null, string? home = "/home/agent", string? xdgStateHome = null) =>
        new AgentCommandLine().Parse(args, name => name switch
        {
            AgentOptions.TokenEnvironmentVariable => envToken,
            "HOME" => home,
            "XDG_STATE_HOME" => xdgStateHome,
            _ => null,
        });

    [Fact]
    public void Parse_AllOptions_FillsAgentOptions()
    {
        var result = Parse([
            "--hub", "http://hub.example:5081", "--node-id", "node-7", "--token", "s3cret",
            "--label", "gpu=a100", "--label", "zone=eu=west", "--max-unacked-bytes", "65536", "--heartbeat-seconds", "2.5",
            "--state-dir", "/srv/agent-state",
        ]);

        Assert.Empty(result.Errors);
        var options = result.Options!;
        Assert.Equal(new Uri("http://hub.example:5081"), options.Hub);
        Assert.Equal(("node-7", "s3cret"), (options.NodeId, options.Token));
        Assert.Equal(new Dictionary<string, string> { ["gpu"] = "a100", ["zone"] = "eu=west" }, options.Labels);
        Assert.Equal(65536, options.Tasks.MaxUnackedBytes);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.HeartbeatInterval);
        Assert.Equal("/srv/agent-state", options.StateDirectory);
    }

    [Fact]
    public void Parse_Defaults_AreDocumentedDefaults()
    {
        var result = Parse(["--hub", "http://hub:5081", "--node-id", "n", "--token", "t"]);

        Assert.Equal(TaskRegistryOptions.DefaultMaxUnackedBytes, result.Options!.Tasks.MaxUnackedBytes);
        Assert.Equal(8 * 1024 * 1024, TaskRegistryOptions.DefaultMaxUnackedBytes);
        Assert.Null(result.Options.HeartbeatInterval);
        Assert.Equal("/home/agent/.local/state/cortex-agent/n", result.Options.StateDirectory);
    }

    [Fact]
    public void Parse_XdgStateHomeSet_StateDirectoryDefaultsUnderItWithTheNodeIdEscaped()
    {
        var result = Parse(["--hub", "http://hub:5081", "--node-id", "a/b", "--token", "t"], xdgStateHome: "/var/state");

        Assert.Equal("/var/state/cortex-agent/a%2Fb", result.Options!.StateDirectory);
    }

    [Fact]
    public void Parse_NoHomeAndNoStateDir_StateDirectoryDefaultsUnderVarLib()
    {
        var result = Parse(["--hub", "http://hub:5081", "--node-id", "n", "--token", "t"], home: null);

        Assert.Equal("/var/lib/cortex-agent/n", result.Options!.StateDirectory);
    }

    [Fact]
    public void Parse_TokenOnlyInEnvironment_UsesIt()
    {
        var result = Parse(["--hub", "http://hub:5081", "--node-id", "n"], envToken: "from-env");

        Assert.Equal("from-env", result.Options!.Token);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--hub", "http://hub:5081")]
    [InlineData("--hub", "not a url", "--node-id", "n", "--token", "t")]
    [InlineData("--hub", "ftp://hub", "--node-id", "n", "--token", "t")]
    [InlineData("--hub", "http://hub:5081", "--node-id", "n")]
    [InlineData("--hub", "http://hub:5081", "--node-id", "n", "--token", "t", "--label", "novalue")]
    [InlineData("--hub", "http://hub:5081", "--node-id", "n", "--token", "t", "--max-unacked-bytes", "10")]
    [InlineData("--hub", "http://hub:5081", "--node-id", "n", "--token", "t", "--max-unacked-bytes", "lots")]
    [InlineData("--hub", "http://hub:5081", "--node-id", "n", "--token", "t", "--heartbeat-seconds", "0")]
    public void Parse_BadArguments_ReportsErrorsAndNoOptions(params string[] args)
    {
        var result = Parse(args);

        Assert.NotEmpty(result.Errors);
        Assert.Null(result.Options);
        Assert.False(result.IsInformational);
    }

    [Fact]
    public async Task AgentProcess_BogusArgument_ExitsWith2AndPrintsUsage()
    {
        var (exitCode, _, stderr) = await AgentProcess.RunToEndAsync("--bogus");

        Assert.Equal(AgentExitCodes.UsageError, exitCode);
        Assert.Contains("--bogus", stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
        Assert.Contains("--node-id", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentProcess_Help_ExitsWith0()
    {
        var (exitCode, stdout, _) = await AgentProcess.RunToEndAsync("--help");

        Assert.Equal(AgentExitCodes.Ok, exitCode);
        Assert.Contains("--max-unacked-bytes", stdout, StringComparison.Ordinal);
    }
}
