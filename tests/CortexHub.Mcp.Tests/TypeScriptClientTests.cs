using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CortexHub.Mcp.Tests;

/// <summary>
/// A foreign client: the official TypeScript SDK (@modelcontextprotocol/sdk, tests/mcp-client) runs a
/// command through /mcp, and drives a python3 session with the session tools. Node.js and the package are required: missing, the test fails (CI=true or not).
/// </summary>
[Collection(McpHubCollection.Name)]
public sealed class TypeScriptClientTests(McpHub hub)
{
    private static readonly string ClientDirectory = Path.Combine(RepoPaths.Root, "tests", "mcp-client");

    [Fact]
    public async Task TypeScriptSdk_RunCommand_AnswersTheOutput()
    {
        var node = OnPath("node");
        await EnsurePackageAsync();

        var output = await RunAsync(node, ["run-command.mjs", hub.McpAddress.ToString(), hub.AliceKey, McpHub.AliceNode, "echo from-typescript; exit 4"], TimeSpan.FromMinutes(3));

        var answer = JsonNode.Parse(output.Split('\n').Last(l => l.StartsWith('{')))!;
        Assert.Contains("run_command", answer["tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(answer["isError"]!.GetValue<bool>());
        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("failed, exit code 4", text);
        Assert.Contains("from-typescript", text);
    }

    [Fact]
    public async Task TypeScriptSdk_PythonSession_ScreenShowsTwo()
    {
        var node = OnPath("node");
        await EnsurePackageAsync();

        var output = await RunAsync(node, ["python-session.mjs", hub.McpAddress.ToString(), hub.AliceKey, McpHub.AliceNode], TimeSpan.FromMinutes(4));

        var answer = JsonNode.Parse(output.Split('\n').Last(l => l.StartsWith('{')))!;
        Assert.EndsWith("\n>>> 1+1\n2\n>>>", answer["screen"]!.GetValue<string>());
        Assert.Contains("screen 60x12", answer["screen"]!.GetValue<string>());
        Assert.StartsWith("Closing session", answer["closed"]!.GetValue<string>());
    }

    private static async Task EnsurePackageAsync()
    {
        if (!File.Exists(Path.Combine(ClientDirectory, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
        {
            await RunAsync(OnPath("npm"), ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
        }
    }

    private static string OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException($"{tool} is not on PATH; the TypeScript MCP client test needs Node.js >= 20 with npm (test.sh installs the package with npm ci in tests/mcp-client).");

    private static async Task<string> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = ClientDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        await using var process = new CapturedProcess(start);
        var exit = await process.WaitForExitAsync(timeout);
        Assert.True(exit == 0, $"{file} {string.Join(' ', arguments)} exited {exit}:\n{process.Output}");
        return process.Output;
    }
}
