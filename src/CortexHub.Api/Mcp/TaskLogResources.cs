using System.ComponentModel;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>
/// A task's stored stdout and stderr as resources, plain text cut to <see cref="McpOptions.ResourceBytes"/>
/// (head and tail with an omission marker past it). Subscribing to one notifies each change while the task runs.
/// </summary>
[McpServerResourceType]
internal sealed class TaskLogResources(Orleans.IGrainFactory grains, IOptions<McpOptions> options)
{
    public const string StdoutTemplate = "cortexhub://tasks/{taskId}/stdout";
    public const string StderrTemplate = "cortexhub://tasks/{taskId}/stderr";

    [McpServerResource(UriTemplate = StdoutTemplate, Name = "task_stdout", MimeType = "text/plain")]
    [Description("A task's standard output as plain text (ANSI sequences removed); past the size limit, its head and tail with a marker of what was omitted. Subscribe to be told when it grows.")]
    public Task<string> StdoutAsync(RequestContext<ReadResourceRequestParams> request, string taskId, CancellationToken cancellationToken) =>
        ReadAsync(request, taskId, OutputStreamKind.Stdout, cancellationToken);

    [McpServerResource(UriTemplate = StderrTemplate, Name = "task_stderr", MimeType = "text/plain")]
    [Description("A task's standard error as plain text; past the size limit, its head and tail with a marker of what was omitted. Subscribe to be told when it grows.")]
    public Task<string> StderrAsync(RequestContext<ReadResourceRequestParams> request, string taskId, CancellationToken cancellationToken) =>
        ReadAsync(request, taskId, OutputStreamKind.Stderr, cancellationToken);

    private async Task<string> ReadAsync(RequestContext<ReadResourceRequestParams> request, string taskId, OutputStreamKind stream, CancellationToken cancellationToken)
    {
        if (await TasksApi.FindAsync(grains, McpCaller.From(request.User), taskId) is null)
        {
            throw new McpException($"Unknown task '{taskId}': no task with that id is yours.");
        }

        var budget = options.Value.ResourceBytes;
        var window = await OutputWindow.ReadAsync(grains.GetGrain<ITaskGrain>(taskId), stream, plain: true, budget, cancellationToken);
        return window.Render(taskId, stream == OutputStreamKind.Stderr ? "stderr" : "stdout", budget);
    }

    /// <summary>The task id and stream a task-log resource URI names, or null for any other URI.</summary>
    public static (string TaskId, OutputStreamKind Stream)? Parse(string? uri)
    {
        const string prefix = "cortexhub://tasks/";
        if (uri is null || !uri.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = uri[prefix.Length..];
        var slash = rest.LastIndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var taskId = Uri.UnescapeDataString(rest[..slash]);
        return rest[(slash + 1)..] switch
        {
            "stdout" => (taskId, OutputStreamKind.Stdout),
            "stderr" => (taskId, OutputStreamKind.Stderr),
            _ => null,
        };
    }
}
