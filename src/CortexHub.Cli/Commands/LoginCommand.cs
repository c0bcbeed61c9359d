using System.CommandLine;
using CortexHub.Cli.Api;
using CortexHub.Cli.Config;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex login --hub URL --api-key KEY</c>: checks the key against GET /api/v1/me, then saves both (mode 600).</summary>
public static class LoginCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var command = new Command("login", "Check an API key against a hub and save both for later commands.");
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            var store = invocation.ConfigStore;
            var saved = store.Load();
            // The hub may come from the saved config (a new key for the same hub); the key never does.
            var hubText = invocation.Value(global.Hub) ?? context.Variable(GlobalOptions.HubVariable) ?? saved.Hub
                ?? throw CliException.Usage("login needs --hub (the hub's HTTP address).");
            var apiKey = invocation.Value(global.ApiKey) ?? context.Variable(GlobalOptions.ApiKeyVariable)
                ?? throw CliException.Usage("login needs --api-key.");
            var hub = HubSettings.ParseHub(hubText, "--hub");

            using var client = invocation.CreateClient(hub, apiKey.Trim());
            Api.ApiResult<Api.Models.UserInfo> me;
            try
            {
                me = await client.GetMeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HubApiException ex) when (ex.Status == 401)
            {
                throw new CliException(ExitCodes.NotLoggedIn, $"{hub} does not accept this API key ({ex.Problem.Detail ?? ex.Problem.Title}); nothing was saved.", ex);
            }

            store.Save(new CortexConfig(hub.ToString(), apiKey.Trim()));
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, new { hub = hub.ToString(), config = store.Path, user = me.Json });
            }
            else
            {
                var user = me.Value;
                invocation.Out.WriteLine($"Logged in to {hub} as {user.UserId}{(user.Name is { Length: > 0 } name && name != user.UserId ? $" ({name})" : "")}, role {user.Role}.");
                invocation.Out.WriteLine($"Saved to {store.Path}.");
            }

            return ExitCodes.Ok;
        });
    }
}
