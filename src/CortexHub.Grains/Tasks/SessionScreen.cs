using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tasks;

/// <summary>A session's screen as a terminal would show it now: its retained output fed through the VT screen at its current size.</summary>
public static class SessionScreen
{
    /// <summary>
    /// Renders <paramref name="session"/> (whose grain is <paramref name="grain"/>); a task without a terminal renders at the
    /// default 80×24. <c>NextOffset</c> is where its output goes on, for a caller that keeps feeding the screen as it arrives.
    /// </summary>
    public static async Task<(TerminalScreen Screen, long NextOffset)> RenderAsync(ITaskGrain grain, TaskSnapshot session)
    {
        var size = session.Terminal ?? new TerminalSize(TerminalSize.DefaultColumns, TerminalSize.DefaultRows);
        var screen = new TerminalScreen(size.Columns, size.Rows);
        var slice = await grain.ReadOutputAsync(0, int.MaxValue);
        screen.Feed(slice.Data);
        return (screen, slice.Offset + slice.Data.Length);
    }
}
