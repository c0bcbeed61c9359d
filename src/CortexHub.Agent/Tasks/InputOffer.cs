namespace CortexHub.Agent.Tasks;

/// <summary>What became of one TaskInput offered to a task.</summary>
public enum InputOffer
{
    /// <summary>Its new bytes (or its end) are queued for the program: confirm it.</summary>
    Queued,

    /// <summary>Every byte of it was already taken (a redelivery): confirm it, write nothing.</summary>
    Duplicate,

    /// <summary>The task takes no input, or its input is over (ended, or the program exited): confirm it, drop it.</summary>
    Ignored,

    /// <summary>
    /// It starts past the bytes taken so far (an earlier chunk was refused): not confirmed, so the hub delivers it
    /// again on the next stream, after the missing one.
    /// </summary>
    Gap,

    /// <summary>
    /// The program has not read the input already queued (at the bound): not confirmed, so the hub delivers it
    /// again on the next stream.
    /// </summary>
    Full,
}
