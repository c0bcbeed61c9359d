using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Api;

/// <summary>
/// The hub answered with an error: 401 exits <see cref="ExitCodes.NotLoggedIn"/>, 404 <see cref="ExitCodes.NotFound"/>,
/// anything else <see cref="ExitCodes.ApiError"/>. The message is the problem's title and detail with its error id.
/// </summary>
public sealed class HubApiException(int status, Problem problem, string request)
    : CliException(ExitCodeFor(status), Describe(status, problem, request))
{
    public int Status { get; } = status;

    public Problem Problem { get; } = problem;

    /// <summary>One line per field error of a 400 ("  nodeId: Required."), and a hint for 401.</summary>
    public override IReadOnlyList<string> Details =>
    [
        .. (Problem.Errors ?? new Dictionary<string, string[]>()).SelectMany(e => e.Value.Select(m => $"  {e.Key}: {m}")),
        .. Status == 401 ? ["Log in again: cortex login --hub URL --api-key KEY"] : Array.Empty<string>(),
    ];

    public static int ExitCodeFor(int status) => status switch
    {
        401 => ExitCodes.NotLoggedIn,
        404 => ExitCodes.NotFound,
        _ => ExitCodes.ApiError,
    };

    private static string Describe(int status, Problem problem, string request)
    {
        var title = string.IsNullOrWhiteSpace(problem.Title) ? $"{request} failed with HTTP {status}" : problem.Title.TrimEnd('.');
        var text = string.IsNullOrWhiteSpace(problem.Detail) ? title : $"{title}: {problem.Detail}";
        return problem.ErrorId is { Length: > 0 } id ? $"{text} (error id {id})" : text;
    }
}
