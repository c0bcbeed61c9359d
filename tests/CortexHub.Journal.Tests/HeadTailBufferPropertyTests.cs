using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace CortexHub.Journal.Tests;

public sealed class HeadTailBufferPropertyTests
{
    private static readonly Arbitrary<BufferScenario> Scenarios = JournalGen.Scenario.ToArbitrary();

    [Fact]
    public void Append_AnyChunks_KeepsTruePrefixAndSuffixAfterEveryAppend()
    {
        Check.One(JournalGen.Config, Prop.ForAll(Scenarios, scenario =>
        {
            var buffer = new HeadTailBuffer(scenario.HeadCapacity, scenario.TailCapacity);
            var seen = new List<byte>();
            foreach (byte[] chunk in scenario.Chunks)
            {
                buffer.Append(chunk);
                seen.AddRange(chunk);
                if (!MatchesModel(buffer, seen.ToArray(), scenario.HeadCapacity, scenario.TailCapacity))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void Append_AnyChunks_CountsAddUpToTotal()
    {
        Check.One(JournalGen.Config, Prop.ForAll(Scenarios, scenario =>
        {
            var buffer = new HeadTailBuffer(scenario.HeadCapacity, scenario.TailCapacity);
            foreach (byte[] chunk in scenario.Chunks)
            {
                buffer.Append(chunk);
            }

            return buffer.HeadLength + buffer.OmittedBytes + buffer.TailLength == buffer.TotalBytes
                && buffer.TotalBytes == scenario.Chunks.Sum(c => (long)c.Length)
                && buffer.IsTruncated == (buffer.OmittedBytes > 0)
                && buffer.Head().Length == buffer.HeadLength
                && buffer.Tail().Length == buffer.TailLength;
        }));
    }

    [Fact]
    public void FromState_JsonRoundTripMidStream_ContinuesIdentically()
    {
        Check.One(JournalGen.Config, Prop.ForAll(Scenarios, scenario =>
        {
            var uninterrupted = new HeadTailBuffer(scenario.HeadCapacity, scenario.TailCapacity);
            var beforeRestart = new HeadTailBuffer(scenario.HeadCapacity, scenario.TailCapacity);
            foreach (byte[] chunk in scenario.Chunks[..scenario.SplitAt])
            {
                uninterrupted.Append(chunk);
                beforeRestart.Append(chunk);
            }

            string json = JsonSerializer.Serialize(beforeRestart.ToState());
            HeadTailBuffer restored = HeadTailBuffer.FromState(JsonSerializer.Deserialize<HeadTailState>(json)!);
            foreach (byte[] chunk in scenario.Chunks[scenario.SplitAt..])
            {
                uninterrupted.Append(chunk);
                restored.Append(chunk);
            }

            return uninterrupted.Head().AsSpan().SequenceEqual(restored.Head())
                && uninterrupted.Tail().AsSpan().SequenceEqual(restored.Tail())
                && uninterrupted.TotalBytes == restored.TotalBytes
                && uninterrupted.OmittedBytes == restored.OmittedBytes
                && MatchesModel(restored, scenario.Concatenated(), scenario.HeadCapacity, scenario.TailCapacity);
        }));
    }

    [Fact]
    public void ToDisplayString_AnyChunks_ShowsExactOmittedCountOnlyWhenTruncated()
    {
        Check.One(JournalGen.Config, Prop.ForAll(Scenarios, scenario =>
        {
            var buffer = new HeadTailBuffer(scenario.HeadCapacity, scenario.TailCapacity);
            foreach (byte[] chunk in scenario.Chunks)
            {
                buffer.Append(chunk);
            }

            // Latin-1 maps each byte to one char, so the display can be checked byte for byte.
            string display = buffer.Snapshot().ToDisplayString(bytes => Encoding.Latin1.GetString(bytes));
            string head = Encoding.Latin1.GetString(buffer.Head());
            string tail = Encoding.Latin1.GetString(buffer.Tail());
            string expected = buffer.IsTruncated
                ? $"{head}\n[… {buffer.OmittedBytes} bytes omitted …]\n{tail}"
                : head + tail;
            return display == expected;
        }));
    }

    private static bool MatchesModel(HeadTailBuffer buffer, byte[] all, int headCapacity, int tailCapacity)
    {
        int headLength = Math.Min(all.Length, headCapacity);
        int tailLength = Math.Min(all.Length - headLength, tailCapacity);
        byte[] tail = buffer.Tail();
        var copied = new byte[tailLength];
        buffer.CopyTailTo(copied);

        return buffer.Head().AsSpan().SequenceEqual(all.AsSpan(0, headLength))
            && tail.AsSpan().SequenceEqual(all.AsSpan(all.Length - tailLength))
            && copied.AsSpan().SequenceEqual(tail)
            && buffer.HeadSpan.SequenceEqual(all.AsSpan(0, headLength))
            && buffer.TotalBytes == all.Length
            && buffer.OmittedBytes == all.Length - headLength - tailLength;
    }
}
