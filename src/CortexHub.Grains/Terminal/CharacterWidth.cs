using Wcwidth;

namespace CortexHub.Grains.Terminal;

/// <summary>Columns a character takes on a terminal: 0 (combining), 1, 2 (wide), or -1 (not printable).</summary>
internal static class CharacterWidth
{
    public static int Of(int codePoint) =>
        codePoint is >= 0x20 and < 0x7F ? 1 : UnicodeCalculator.GetWidth(codePoint);
}
