using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The README's quick start, run as written with real processes: its command lines are read from
/// README.md and run by bash in the checkout — the hub with <c>dotnet run</c>, the CLI through the
/// README's alias, the install script piped into bash — through to a pool item that the new node
/// runs. Only the hub's ports and the admin key it printed replace <c>5080</c> and
/// <c>chk.admin.…</c>; the test's own environment keeps the CLI's config, the agent and the
/// database in temporary folders. The checkout must be left as it was.
/// </summary>
public sealed partial class QuickStartTests
{
    /// <summary>What the README's quick start says, comments aside; the test fails when the two part.</summary>
    private static readonly string[] HubLines = ["dotnet run --project src/CortexHub.Silo"];

    private static readonly string[] CliLines =
    [
        "alias cortex='dotnet run --project src/CortexHub.Cli --'",
        "cortex login --hub http://127.0.0.1:5080 --api-key 'chk.admin.…'",
        "cortex node provision my-laptop --script - | bash",
        "cortex run --node my-laptop -- echo hello from my laptop",
        "cortex pool submit -- echo hello from the pool",
        "cortex pool ls",
    ];

    [Fact]
    public async Task ReadmeQuickStart_AsWritten_FirstTaskAndAPoolItemRunOnTheNewNode()
    {
        var (hubLines, cliLines) = ReadmeQuickStart();
        Assert.Equal(HubLines, hubLines.Select(WithoutComment));
        Assert.Equal(CliLines, cliLines.Select(WithoutComment));

        var scratch = Directory.CreateTempSubdirectory("cortexhub-quickstart-").FullName;
        var (http, grpc) = (FreePorts.Next(), FreePorts.Next());
        var shell = new QuickStartShell(scratch, http, grpc);
        var checkoutBefore = await GitStatusAsync();
        await using var hub = shell.Start(hubLines.Single());
        try
        {
            await hub.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(5));
            var adminKey = AdminKeyLine().Match(hub.Output).Groups[1].Value;
            Assert.StartsWith("chk.admin.", adminKey);
            shell.Define(cliLines[0]);
            string Cli(string line) => line.Replace("127.0.0.1:5080", $"127.0.0.1:{http}", StringComparison.Ordinal)
                .Replace("'chk.admin.…'", $"'{adminKey}'", StringComparison.Ordinal);

            await shell.RunAsync(Cli(cliLines[1]));
            var provisioned = await shell.RunAsync(Cli(cliLines[2]));
            Assert.Contains("cortex-agent started", provisioned);
            Assert.Contains("hello from my laptop", await shell.RunAsync(Cli(cliLines[3])));
            Assert.Contains("Submitted", await shell.RunAsync(Cli(cliLines[4])));
            await TestCluster.WaitUntilAsync(async () => Regex.IsMatch(await shell.RunAsync(Cli(cliLines[5])), @"\bdone\b"),
                TimeSpan.FromMinutes(3), "the pool item is done");

            var item = JsonNode.Parse(await shell.RunAsync("cortex pool ls --json"))!["items"]!.AsArray().Single()!;
            Assert.Equal(("done", "my-laptop", 0), (item["state"]!.GetValue<string>(), item["claimedBy"]!.GetValue<string>(), item["exitCode"]!.GetValue<int>()));
            Assert.Contains("hello from the pool", await shell.RunAsync($"cortex logs {item["taskId"]!.GetValue<string>()}"));
            Assert.Equal(checkoutBefore, await GitStatusAsync());

            hub.Terminate();
            Assert.Equal(0, await hub.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            await shell.StopAgentAsync();
        }
    }

    /// <summary>The bash blocks of README.md's "Quick start" section: the hub's lines, then the CLI's.</summary>
    private static (string[] Hub, string[] Cli) ReadmeQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = Regex.Match(readme, @"^## Quick start\n(.*?)^## ", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        var blocks = BashBlock().Matches(section)
            .Select(m => m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        Assert.True(blocks.Count == 2, $"README.md's quick start has {blocks.Count} bash blocks, expected 2 (the hub's, the CLI's).");
        return (blocks[0], blocks[1]);
    }

    private static string WithoutComment(string line) => Regex.Replace(line, @"\s+#\s.*$", "");

    /// <summary><c>git status --porcelain</c> of the checkout: what a run left there that git would see.</summary>
    private static async Task<string> GitStatusAsync()
    {
        var start = new ProcessStartInfo("git", ["status", "--porcelain", "--untracked-files=all"]) { WorkingDirectory = RepoPaths.Root };
        await using var git = new CapturedProcess(start);
        Assert.Equal(0, await git.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return git.Output;
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"^\s*(chk\.admin\.[A-Za-z0-9._-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AdminKeyLine();
}
