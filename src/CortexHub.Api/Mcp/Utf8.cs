using System.Text;

namespace CortexHub.Api.Mcp;

/// <summary>Cutting text to a number of UTF-8 bytes without splitting a character.</summary>
internal static class Utf8
{
    /// <summary>The offset at or before <paramref name="end"/> where a character starts (never inside a multi-byte sequence).</summary>
    public static int CharStart(ReadOnlySpan<byte> bytes, int end)
    {
        var i = end;
        while (i > 0 && i < bytes.Length && (bytes[i] & 0xC0) == 0x80)
        {
            i--;
        }

        return i;
    }

    /// <summary>The offset at or after <paramref name="start"/> where a character starts (past any continuation bytes).</summary>
    public static int NextCharStart(ReadOnlySpan<byte> bytes, int start)
    {
        var i = start;
        while (i < bytes.Length && (bytes[i] & 0xC0) == 0x80)
        {
            i++;
        }

        return i;
    }

    /// <summary><paramref name="text"/> if it fits in <paramref name="maxBytes"/>, else its start (or end) that does, cut between characters.</summary>
    public static string Fit(string text, int maxBytes, bool fromEnd)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (fromEnd)
        {
            var start = NextCharStart(bytes, bytes.Length - maxBytes);
            return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
        }

        return Encoding.UTF8.GetString(bytes, 0, CharStart(bytes, maxBytes));
    }
}
