namespace CortexHub.Cli.Sessions;

/// <summary>A terminal window's size in character cells.</summary>
public readonly record struct TerminalSize(int Columns, int Rows)
{
    /// <summary>What a session gets when the local side has no terminal.</summary>
    public static readonly TerminalSize Default = new(80, 24);
}
