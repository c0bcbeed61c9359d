using System.Text;
using System.Text.Json;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CortexHub.Api;

/// <summary>
/// <c>POST /sessions/{id}/input</c> and <c>POST /tasks/{id}/input</c>: bytes for a session's terminal or a
/// plain task's open stdin. The body is the bytes (<c>application/octet-stream</c>) or JSON
/// <c>{"text": …}</c> (UTF-8) or <c>{"base64": …}</c>; <c>?end=true</c> closes a plain task's stdin after them.
/// At most <see cref="InputLimits.MaxInputBytes"/> bytes a call. 202 <c>{offset, bytes}</c>.
/// </summary>
internal static class TaskInputApi
{
    /// <summary>A JSON body: text escapes (<c>\u0003</c>) and base64 make it longer than the bytes it carries.</summary>
    private const int MaxJsonBodyBytes = 8 * InputLimits.MaxInputBytes;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record InputBody(string? Text, string? Base64);

    public static void Map(RouteGroupBuilder api) => api.MapPost("/tasks/{id}/input", TaskInputAsync).WithTags("tasks");

    public static async Task<Results<Accepted<InputAccepted>, ValidationProblem, ProblemHttpResult>> SessionInputAsync(
        string id, bool? end, HttpContext http, Orleans.IGrainFactory grains) =>
        await SessionsApi.FindAsync(grains, ApiCaller.From(http), id) is null
            ? SessionsApi.NotFound(id)
            : await SendAsync(id, end == true, http, grains);

    /// <summary>A plain task's owner (or an admin) may send it input; a session answers only its opener, as under /sessions.</summary>
    private static async Task<Results<Accepted<InputAccepted>, ValidationProblem, ProblemHttpResult>> TaskInputAsync(
        string id, bool? end, HttpContext http, Orleans.IGrainFactory grains) =>
        await TasksApi.FindAsync(grains, http, id) is null
            ? ApiProblem.NotFound($"Task '{id}'")
            : await SendAsync(id, end == true, http, grains);

    private static async Task<Results<Accepted<InputAccepted>, ValidationProblem, ProblemHttpResult>> SendAsync(
        string id, bool end, HttpContext http, Orleans.IGrainFactory grains)
    {
        var (data, problem) = await ReadAsync(http.Request);
        if (problem is not null)
        {
            return problem;
        }

        // Refused (409) when the task takes no input, its input ended or it is over.
        var accepted = await grains.GetGrain<ITaskGrain>(id).SendInputAsync(data!, end);
        return TypedResults.Accepted((string?)null, accepted);
    }

    private static async Task<(byte[]? Data, ValidationProblem? Problem)> ReadAsync(HttpRequest request)
    {
        var json = request.HasJsonContentType();
        if (!json && request.ContentType is not null && !request.ContentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblem.Field("body", "Send application/octet-stream (the bytes) or application/json ({\"text\": …} or {\"base64\": …})."));
        }

        var body = await ReadBodyAsync(request, json ? MaxJsonBodyBytes : InputLimits.MaxInputBytes, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return (null, ApiProblem.Field("data", $"At most {InputLimits.MaxInputBytes} bytes per call; send more in several."));
        }

        if (!json)
        {
            return (body, null);
        }

        InputBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<InputBody>(body, Json);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblem.Field("body", "Not valid JSON: " + ex.Message));
        }

        byte[] data;
        if (parsed is { Text: { } text, Base64: null })
        {
            data = Encoding.UTF8.GetBytes(text);
        }
        else if (parsed is { Base64: { } base64, Text: null })
        {
            try
            {
                data = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return (null, ApiProblem.Field("base64", "Not valid base64."));
            }
        }
        else
        {
            return (null, ApiProblem.Field("text", "Give exactly one of text and base64."));
        }

        return data.Length <= InputLimits.MaxInputBytes
            ? (data, null)
            : (null, ApiProblem.Field("data", $"At most {InputLimits.MaxInputBytes} bytes per call (got {data.Length}); send more in several."));
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
