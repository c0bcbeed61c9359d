using System.CommandLine;
using CortexHub.Cli.Api;
using CortexHub.Cli.Config;

namespace CortexHub.Cli.Commands;

/// <summary>What a command's action works with: its parsed values, the console, and a client for the configured hub.</summary>
public sealed class CommandInvocation(ParseResult parseResult, GlobalOptions global, CliContext context)
{
    public ParseResult Parse { get; } = parseResult;

    public CliContext Context { get; } = context;

    public TextWriter Out => Context.Out;

    public TextWriter Error => Context.Error;

    /// <summary><c>--json</c>: machine output.</summary>
    public bool Json => Parse.GetValue(global.Json);

    /// <summary>Whether cortex's own stderr decorations (status lines, progress bar) may use colour: <c>--color</c>, else a terminal without NO_COLOR.</summary>
    public bool Colour => Parse.GetValue(global.Color) switch
    {
        "always" => true,
        "never" => false,
        _ => Context.ErrorIsTerminal && Context.Variable(GlobalOptions.NoColorVariable) is null,
    };

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    public ConfigStore ConfigStore => ConfigStore.For(Context);

    /// <summary>The hub and key from options, environment and config (they may be missing).</summary>
    public HubSettings Settings() =>
        HubSettings.Resolve(Parse.GetValue(global.Hub), Parse.GetValue(global.ApiKey), Context, ConfigStore.Load());

    /// <summary>A client for the configured hub; not being logged in exits <see cref="ExitCodes.NotLoggedIn"/>.</summary>
    public HubClient Connect()
    {
        var settings = Settings();
        if (settings.Hub is null || settings.ApiKey is null)
        {
            throw new CliException(ExitCodes.NotLoggedIn,
                $"not logged in: no {(settings.Hub is null ? "hub address" : "API key")} (use cortex login --hub URL --api-key KEY, " +
                $"--hub/--api-key, or {GlobalOptions.HubVariable}/{GlobalOptions.ApiKeyVariable})");
        }

        return CreateClient(settings.Hub, settings.ApiKey);
    }

    public HubClient CreateClient(Uri hub, string apiKey) => new(hub, apiKey, Context.HttpHandlerFactory?.Invoke());
}
