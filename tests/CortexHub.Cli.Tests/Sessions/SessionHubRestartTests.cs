using System.Text.RegularExpressions;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// The hub's silo process SIGKILLed and started again under <c>cortex exec -it</c> in a real terminal: the CLI reattaches
/// on its own and the screen stays as it was (nothing repeated, nothing cleared), then typing goes on.
/// </summary>
public sealed class SessionHubRestartTests
{
    private const string NodeId = "restart-node";

    [Fact]
    public async Task ExecIt_HubKilledAndRestarted_ReattachesWithTheScreenIntact_TypingStillWorks()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!,
            Schema = storage.Schema!,
            Silos = 1,
            Nginx = false,
            Environment = ProcessClusterOptions.FastFailover(),
        });
        using var api = cluster.Api();
        var token = await cluster.ProvisionAsync(api, NodeId);
        await using var agent = AgentProcess.Start(cluster.GrpcAddress, NodeId, token);
        var environment = HubFixture.Environment(("CORTEX_HUB", cluster.HttpAddress.ToString()), ("CORTEX_API_KEY", cluster.AdminKey))
            .Where(v => v.Key != "HOME").ToDictionary();
        await using var pane = await TmuxPane.StartAsync(
            $"{TmuxPane.Cortex("exec", "-it", NodeId, "--", "bash", "--norc", "--noprofile")}; echo \"[exit $?]\"", environment);
        await pane.TypeAsync("PS1='$ '; echo before-$((1+1))");
        await pane.PressAsync("Enter");
        var before = await pane.WaitForScreenAsync(s => SessionEndToEndTests.Line("before-2").IsMatch(s) && s.TrimEnd().EndsWith('$'), "the output before the restart");

        cluster.Kill(0);
        await cluster.WaitForExitAsync(0, HubFixture.Wait);
        await cluster.StartAsync(0);
        await SessionEndToEndTests.WaitTypingAsync(pane, "echo after-$((2+2))", s => SessionEndToEndTests.Line("after-4").IsMatch(s), "typing after the restart");
        var after = await pane.CaptureAsync();

        // The screen before the kill is still there, line for line, and shown once.
        Assert.StartsWith(before.TrimEnd(), after);
        Assert.Single(Regex.Matches(after, "(?m)^before-2"));
        Assert.DoesNotContain("cortex:", after);
        await pane.TypeAsync("exit 5");
        await pane.PressAsync("Enter");
        Assert.Contains("[exit 5]", await pane.WaitForScreenAsync(s => s.Contains("[exit "), "cortex's exit"));
    }
}
