using CortexHub.Cli.Api;

namespace CortexHub.Cli.Commands;

/// <summary>
/// Streams the CLI's stdin to a task (<c>POST /tasks/{id}/input</c>): each read as it comes, in order, at most
/// <see cref="HubClient.MaxInputBytes"/> per call, then an empty call with <c>end=true</c> that closes the task's stdin.
/// Reads are sent at once rather than gathered, so a program fed by a person answers line by line.
/// </summary>
public sealed class StdinUploader(HubClient client, string taskId, Stream input, TextWriter error)
{
    /// <summary>Bytes accepted by the hub so far.</summary>
    public long Sent { get; private set; }

    public async Task UploadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[HubClient.MaxInputBytes];
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                await client.SendTaskInputAsync(taskId, buffer.AsMemory(0, read), end: read == 0, cancellationToken).ConfigureAwait(false);
                Sent += read;
                if (read == 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The task ended and the command with it.
        }
        catch (HubApiException ex) when (ex.Status == 409)
        {
            // The task is over (or stopped reading and closed its input): the rest of stdin has nowhere to go.
        }
        catch (CliException ex)
        {
            // The output goes on; the task sees its stdin stop.
            await error.WriteLineAsync($"cortex: stopped sending stdin to task {taskId} after {Sent} bytes: {ex.Message}").ConfigureAwait(false);
        }
    }
}
