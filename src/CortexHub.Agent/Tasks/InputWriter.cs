using CortexHub.Agent.Logging;
using CortexHub.Agent.Processes;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Tasks;

/// <summary>
/// Writes a task's queued input into its stdin pipe or terminal master, on a thread of its own: a program that
/// does not read blocks only this writer, never the connection or other tasks.
/// </summary>
/// <remarks>
/// Ends when the input ends (a pipe is then closed: the program's end-of-file), when the program stops reading
/// for good (EPIPE, EIO), or on <see cref="Stop"/>. Whatever is still queued then is dropped.
/// </remarks>
internal sealed class InputWriter
{
    private readonly TaskInputQueue _queue;
    private readonly InterruptibleFile _target;
    private readonly bool _ownsTarget;
    private readonly string _taskId;
    private readonly ILogger _logger;

    private InputWriter(TaskInputQueue queue, InterruptibleFile target, bool ownsTarget, string taskId, ILogger logger)
    {
        _queue = queue;
        _target = target;
        _ownsTarget = ownsTarget;
        _taskId = taskId;
        _logger = logger;
        Completion = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Completes when the writer is done.</summary>
    public Task Completion { get; }

    /// <summary>
    /// Starts writing <paramref name="queue"/> into <paramref name="target"/>. When <paramref name="ownsTarget"/>
    /// (a stdin pipe), the end of the input closes it.
    /// </summary>
    public static InputWriter Start(TaskInputQueue queue, InterruptibleFile target, bool ownsTarget, string taskId, ILogger logger) =>
        new(queue, target, ownsTarget, taskId, logger);

    /// <summary>
    /// Stops at once: drops the queue and releases a write waiting on the program. For a terminal this also
    /// interrupts reading the master, so it comes after the output was read.
    /// </summary>
    public void Stop()
    {
        _queue.Close();
        if (_ownsTarget)
        {
            _target.Dispose();
        }
        else
        {
            _target.Interrupt();
        }
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                var chunk = _queue.Take(out var ended);
                if (chunk.Length == 0)
                {
                    if (ended && _ownsTarget)
                    {
                        AgentLog.InputEnded(_logger, _taskId, _queue.TakenOffset);
                    }

                    return;
                }

                if (!_target.Write(chunk))
                {
                    // The program closed its side (or the task is being stopped): nothing more can reach it.
                    _queue.Close();
                    return;
                }
            }
        }
        catch (IOException ex)
        {
            AgentLog.InputWriteFailed(_logger, _taskId, ex.Message);
            _queue.Close();
        }
        finally
        {
            if (_ownsTarget)
            {
                _target.Dispose();
            }
        }
    }
}
