using System.Text;
using CortexHub.Grains.Journal;

namespace CortexHub.Grains.Nodes;

/// <summary>Renders terminal history as text: raw (escape sequences kept) or plain (stripped in one pass).</summary>
public static class TerminalText
{
    public static string Render(IEnumerable<TerminalChunk> chunks, bool plain)
    {
        var text = new StringBuilder();
        if (plain)
        {
            var stripper = new AnsiStripper();
            foreach (var chunk in chunks)
            {
                text.Append(stripper.Strip(chunk.Data));
            }

            return text.Append(stripper.Flush()).ToString();
        }

        var decoder = Encoding.UTF8.GetDecoder();
        foreach (var chunk in chunks)
        {
            var chars = new char[decoder.GetCharCount(chunk.Data, flush: false)];
            decoder.GetChars(chunk.Data, chars, flush: false);
            text.Append(chars);
        }

        return text.ToString();
    }
}
