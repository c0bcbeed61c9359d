namespace CortexHub.Dashboard.Tests;

/// <summary>
/// The dashboard's own modules under node's test runner: ansi.js (colours, escaping, stripping,
/// sequences split across chunks), api.js (SSE parsing, resuming with Last-Event-ID, problems), the output
/// view's line model, window math and search (log.test.mjs), re-running a task (rerun.test.mjs) and a
/// session's attach WebSocket client (session.test.mjs).
/// </summary>
public sealed class DashboardModuleTests
{
    [Theory]
    [InlineData("ansi.test.mjs")]
    [InlineData("api.test.mjs")]
    [InlineData("log.test.mjs")]
    [InlineData("rerun.test.mjs")]
    [InlineData("session.test.mjs")]
    public async Task Module_PassesItsNodeTests(string script)
    {
        var result = await NodeJs.RunAsync(NodeJs.Node, ["--test", "--test-reporter=tap", script], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, $"node --test {script} failed:\n{result}");
        Assert.Contains("# fail 0", result.StandardOutput);
    }
}
