using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace CortexHub.Journal.Tests;

public sealed class AnsiStripperPropertyTests
{
    [Fact]
    public void StripAll_AnyBytes_OutputHasNoEscOrControlsButNewlineAndTab()
    {
        Check.One(JournalGen.Config, Prop.ForAll(JournalGen.TerminalBytes.ToArbitrary(), bytes =>
        {
            string text = AnsiStripper.StripAll(bytes);
            return !text.Any(c => c < 0x20 && c is not '\n' and not '\t' || c == '\u007f');
        }));
    }

    [Fact]
    public void StripAll_UniformRandomBytes_NeverThrowsOrEmitsEsc()
    {
        Check.One(JournalGen.Config, Prop.ForAll(JournalGen.AnyByte.ArrayOf().ToArbitrary(), bytes =>
            !AnsiStripper.StripAll(bytes).Contains('\e')));
    }

    [Fact]
    public void Strip_AnyBytesCutAnywhere_MatchesWholeInput()
    {
        Check.One(JournalGen.Config, Prop.ForAll(JournalGen.TerminalBytesWithCuts.ToArbitrary(), input =>
        {
            var stripper = new AnsiStripper();
            var text = new StringBuilder();
            int start = 0;
            foreach (int cut in input.Cuts.Append(input.Bytes.Length))
            {
                text.Append(stripper.Strip(input.Bytes.AsSpan(start, cut - start)));
                start = cut;
            }

            text.Append(stripper.Flush());
            return text.ToString() == AnsiStripper.StripAll(input.Bytes);
        }));
    }

    [Fact]
    public void StripAll_PrintableAscii_PassesThroughUnchanged()
    {
        Gen<string> printable = Gen.Choose(0x20, 0x7E).Select(c => (char)c).ArrayOf().Select(chars => new string(chars));

        Check.One(JournalGen.Config, Prop.ForAll(printable.ToArbitrary(), text =>
            AnsiStripper.StripAll(Encoding.ASCII.GetBytes(text)) == text));
    }

    [Fact]
    public void StripAll_TextWithoutControls_PassesThroughUnchanged()
    {
        Check.One(JournalGen.Config, Prop.ForAll(JournalGen.PlainText.ToArbitrary(), text =>
            AnsiStripper.StripAll(Encoding.UTF8.GetBytes(text)) == text));
    }
}
