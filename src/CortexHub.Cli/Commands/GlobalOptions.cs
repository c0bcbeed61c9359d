using System.CommandLine;

namespace CortexHub.Cli.Commands;

/// <summary>Options every command takes (recursive on the root): the hub, the API key, JSON output and colour.</summary>
public sealed class GlobalOptions
{
    public const string HubVariable = "CORTEX_HUB";
    public const string ApiKeyVariable = "CORTEX_API_KEY";

    /// <summary>Set and not empty: no colour in auto mode (https://no-color.org).</summary>
    public const string NoColorVariable = "NO_COLOR";

    public Option<string> Hub { get; } = new("--hub")
    {
        Description = $"The hub's HTTP address, such as http://hub:5080 (default: {HubVariable}, then the saved config).",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string> ApiKey { get; } = new("--api-key")
    {
        Description = $"Your API key, chk.<user>.<key id>.<secret> (default: {ApiKeyVariable}, then the saved config).",
        HelpName = "key",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON instead of text (one JSON object per line for live task events).",
        Recursive = true,
    };

    public Option<string> Color { get; } = CreateColor();

    private static Option<string> CreateColor()
    {
        var option = new Option<string>("--color")
        {
            Description = $"Colour in what cortex itself draws on stderr: auto (when stderr is a terminal and {NoColorVariable} is unset or empty), always or never. A task's own output is passed on as sent (see --plain).",
            HelpName = "when",
            Recursive = true,
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "always", "never");
        return option;
    }
}
