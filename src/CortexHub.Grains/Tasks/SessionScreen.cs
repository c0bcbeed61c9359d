using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tasks;

/// <summary>A session's screen as a terminal would show it now: its retained output fed through the VT screen at its current size.</summary>
public static class SessionScreen
{
    /// <summary>Renders <paramref name="session"/>; a task without a terminal renders at the default 80×24.</summary>
    public static async Task<TerminalScreen> RenderAsync(ITaskGrain session)
    {
        var snapshot = await session.GetAsync();
        var size = snapshot.Terminal ?? new TerminalSize(TerminalSize.DefaultColumns, TerminalSize.DefaultRows);
        var screen = new TerminalScreen(size.Columns, size.Rows);
        var slice = await session.ReadOutputAsync(0, int.MaxValue);
        screen.Feed(slice.Data);
        return screen;
    }
}
