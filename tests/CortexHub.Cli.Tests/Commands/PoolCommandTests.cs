using System.Text.Json.Nodes;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex pool</c>: submit, list, stats, as a user of its own (so only its items show).</summary>
[Collection(HubCollection.Name)]
public sealed class PoolCommandTests(HubFixture hub)
{
    [Fact]
    public async Task Submit_ThenLsJson_ShowsTheItem_SameKeyReturnsIt()
    {
        var user = $"pool-{Guid.NewGuid():N}"[..17];
        var environment = hub.LoggedIn(await hub.CreateUserAsync(user));

        var submitted = await HubFixture.RunAsync(environment, "pool", "submit", "--priority", "5", "--label", "gpu=1", "--key", "job-1", "--max-attempts", "2",
            "--", "echo", "hello pool");
        var repeated = await HubFixture.RunAsync(environment, "pool", "submit", "--key", "job-1", "--", "echo", "other");
        var listed = await HubFixture.RunAsync(environment, "pool", "ls", "--json");
        var available = await HubFixture.RunAsync(environment, "pool", "ls", "--state", "available");
        var done = await HubFixture.RunAsync(environment, "pool", "ls", "--state", "done");

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var itemId = System.Text.RegularExpressions.Regex.Match(submitted.Stdout, @"^Submitted (\S+) \(priority 5, up to 2 attempts\)\.\n$").Groups[1].Value;
        Assert.NotEqual("", itemId);
        Assert.Contains($"Already submitted with this key as {itemId} (available)", repeated.Stdout);
        var item = JsonNode.Parse(listed.Stdout)!["items"]!.AsArray().Single()!;
        Assert.Equal(itemId, item["itemId"]!.GetValue<string>());
        Assert.Equal(5, item["priority"]!.GetValue<int>());
        Assert.Equal("available", item["state"]!.GetValue<string>());
        Assert.Equal("echo 'hello pool'", item["work"]!["command"]!.GetValue<string>());
        Assert.Equal("1", item["requiredLabels"]!["gpu"]!.GetValue<string>());
        Assert.Contains(itemId, available.Stdout);
        Assert.Equal("", done.Stdout);
    }

    [Fact]
    public async Task Stats_CountsAvailableItems()
    {
        var environment = hub.LoggedIn(await hub.CreateUserAsync($"stats-{Guid.NewGuid():N}"[..18]));
        Assert.Equal(0, (await HubFixture.RunAsync(environment, "pool", "submit", "--priority", "3", "--label", "never=matches", "--", "true")).ExitCode);

        var stats = await HubFixture.RunAsync(environment, "pool", "stats");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Matches(@"(?m)^available +[1-9]\d*$", stats.Stdout);
        Assert.Contains("oldest available: ", stats.Stdout);
    }
}
