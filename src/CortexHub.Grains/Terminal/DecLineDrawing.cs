namespace CortexHub.Grains.Terminal;

/// <summary>The DEC Special Graphics set (<c>ESC ( 0</c>): ASCII 0x5F–0x7E drawn as lines and symbols.</summary>
internal static class DecLineDrawing
{
    private const string Glyphs = " ◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·";

    public static int Map(int codePoint) =>
        codePoint is >= 0x5F and <= 0x7E ? Glyphs[codePoint - 0x5F] : codePoint;
}
