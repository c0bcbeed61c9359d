using System.Text;
using CortexHub.Grains.Tasks;

namespace CortexHub.Grains.Limits;

/// <summary>
/// The checks of <see cref="InputLimits"/>, shared by the HTTP edge and the grains so both say the
/// same thing. Each error names the limit and what was sent.
/// </summary>
public static class InputLimitChecks
{
    /// <summary>A command, working directory and environment (a task's or a pool item's), and the dispatch they make.</summary>
    /// <param name="taskId">The task id the dispatch carries; for a pool item not yet claimed, null (the longest id is assumed).</param>
    public static InvalidRequestException.Builder CheckWork(
        this InvalidRequestException.Builder errors, InputLimits limits, string? taskId, string? command, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout, string prefix = "")
    {
        errors.CheckLength(command, limits.MaxCommandLength, prefix + "command")
            .CheckLength(workingDirectory, limits.MaxWorkingDirectoryLength, prefix + "workingDirectory");
        if (environment is not null)
        {
            var bytes = environment.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Key) + Encoding.UTF8.GetByteCount(e.Value ?? ""));
            errors.Check(environment.Count <= limits.MaxEnvironmentEntries, prefix + "environment",
                    $"At most {limits.MaxEnvironmentEntries} variables (got {environment.Count}).")
                .Check(bytes <= limits.MaxEnvironmentBytes, prefix + "environment",
                    $"At most {limits.MaxEnvironmentBytes} bytes of names and values (UTF-8) together (got {bytes}).")
                .Check(environment.All(e => e.Key.Length > 0 && e.Value is not null), prefix + "environment", "Names must not be empty, values not null.");
        }

        if (environment?.Any(e => e.Value is null) != true && command is not null)
        {
            // The message a node receives, whatever the limits above allow: a larger one would never get through.
            var size = TaskDispatch.Message(taskId ?? new string('t', InputLimits.MaxTaskIdLength), command, workingDirectory, environment, timeout).CalculateSize();
            errors.Check(size <= limits.MaxNodeMessageBytes, prefix + "dispatch",
                $"The dispatch to the node would be {size} bytes; a node accepts at most {limits.MaxNodeMessageBytes} (command, working directory and environment together).");
        }

        return errors;
    }

    /// <summary>Labels of a node, or labels a pool item requires.</summary>
    public static InvalidRequestException.Builder CheckLabels(this InvalidRequestException.Builder errors, InputLimits limits, IReadOnlyDictionary<string, string>? labels, string field) =>
        labels is null
            ? errors
            : errors.Check(labels.Count <= limits.MaxLabels, field, $"At most {limits.MaxLabels} labels (got {labels.Count}).")
                .Check(labels.All(l => l.Key.Length is > 0 && l.Key.Length <= limits.MaxLabelLength && l.Value is not null && l.Value.Length <= limits.MaxLabelLength), field,
                    $"Keys must be 1 to {limits.MaxLabelLength} characters, values at most {limits.MaxLabelLength}.");

    /// <summary>A text of at most <paramref name="max"/> characters (null passes: required fields are checked apart).</summary>
    public static InvalidRequestException.Builder CheckLength(this InvalidRequestException.Builder errors, string? value, int max, string field) =>
        errors.Check(value is null || value.Length <= max, field, $"At most {max} characters (got {value?.Length}).");
}
