using System.Text.Json.Nodes;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex login</c>: verify, save privately, and later commands need nothing else.</summary>
[Collection(HubCollection.Name)]
public sealed class LoginCommandTests(HubFixture hub)
{
    [Fact]
    public async Task Login_SavesConfigMode600_LaterCommandsUseIt()
    {
        var environment = HubFixture.Environment();

        var login = await HubFixture.RunAsync(environment, "login", "--hub", hub.Hub.ToString(), "--api-key", HubFixture.AdminKey);
        var nodes = await HubFixture.RunAsync(environment, "nodes");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.StartsWith($"Logged in to {hub.Hub} as admin", login.Stdout);
        var path = Path.Combine(environment["XDG_CONFIG_HOME"]!, "cortex", "config.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var config = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal(HubFixture.AdminKey, config["apiKey"]!.GetValue<string>());
        Assert.True(nodes.ExitCode == 0, nodes.ToString());
        Assert.Contains(HubFixture.NodeId, nodes.Stdout);
    }

    [Fact]
    public async Task Login_BadKey_Exit3_SavesNothing()
    {
        var environment = HubFixture.Environment();

        var login = await HubFixture.RunAsync(environment, "login", "--hub", hub.Hub.ToString(), "--api-key", "chk.admin.testkey.nope");

        Assert.True(login.ExitCode == ExitCodes.NotLoggedIn, login.ToString());
        Assert.Contains("does not accept this API key", login.Stderr);
        Assert.False(File.Exists(Path.Combine(environment["XDG_CONFIG_HOME"]!, "cortex", "config.json")));
    }

    [Fact]
    public async Task SavedKey_IsNotSentToAnotherHub()
    {
        var environment = HubFixture.Environment();
        Assert.Equal(0, (await HubFixture.RunAsync(environment, "login", "--hub", hub.Hub.ToString(), "--api-key", HubFixture.AdminKey)).ExitCode);

        var elsewhere = await HubFixture.RunAsync(environment, "nodes", "--hub", "http://127.0.0.1:9");

        Assert.True(elsewhere.ExitCode == ExitCodes.NotLoggedIn, elsewhere.ToString());
        Assert.Contains("no API key", elsewhere.Stderr);
    }
}
