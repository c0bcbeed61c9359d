using CortexHub.Cli.Commands;

namespace CortexHub.Cli.Config;

/// <summary>
/// Where to connect and with which key: an option beats an environment variable beats the saved config. A key is
/// taken from the config only for the hub it was saved with, so pointing <c>--hub</c> elsewhere never sends it there.
/// </summary>
public sealed record HubSettings(Uri? Hub, string? ApiKey)
{
    public static HubSettings Resolve(string? hubOption, string? apiKeyOption, CliContext context, CortexConfig saved)
    {
        var hubText = hubOption ?? context.Variable(GlobalOptions.HubVariable);
        var savedHub = saved.Hub is null ? null : ParseHub(saved.Hub, "the saved hub address");
        var hub = hubText is null ? savedHub : ParseHub(hubText, "--hub");
        var sameHub = hub is not null && savedHub is not null && Uri.Compare(hub, savedHub, UriComponents.HttpRequestUrl, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
        var apiKey = apiKeyOption ?? context.Variable(GlobalOptions.ApiKeyVariable) ?? (sameHub ? saved.ApiKey : null);
        return new HubSettings(hub, string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim());
    }

    /// <summary>An absolute http(s) address; anything else is a usage error naming <paramref name="what"/>.</summary>
    public static Uri ParseHub(string text, string what)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        throw CliException.Usage($"{what} must be an absolute http:// or https:// address; '{text}' is not.");
    }
}
