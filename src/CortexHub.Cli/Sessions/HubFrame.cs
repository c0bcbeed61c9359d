using System.Text.Json;
using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Sessions;

/// <summary>
/// A text frame from the hub on a session's WebSocket: <c>attached</c> (session, offset), <c>exit</c> (state, exitCode,
/// outcome) or <c>error</c> (status, title, detail, errorId).
/// </summary>
public sealed record HubFrame(
    string? Type,
    SessionView? Session,
    long? Offset,
    string? State,
    int? ExitCode,
    string? Outcome,
    int? Status,
    string? Title,
    string? Detail,
    string? ErrorId)
{
    public static HubFrame Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<HubFrame>(text, CliJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.ApiError, $"the hub sent a session frame that is not valid JSON ({ex.Message}): {text}", ex);
        }
    }

    public Problem ToProblem() => new(Title, Detail, Status, ErrorId, null);
}
