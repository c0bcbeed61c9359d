using FsCheck;
using FsCheck.Fluent;

namespace CortexHub.Journal.Tests;

/// <summary>Generators and the shared FsCheck configuration for the journal property tests.</summary>
public static class JournalGen
{
    /// <summary>At least 500 cases per property, failing the xunit test on a counterexample.</summary>
    public static Config Config { get; } = Config.QuickThrowOnFailure.WithMaxTest(500);

    public static Gen<byte> AnyByte { get; } = Gen.Choose(0, 255).Select(i => (byte)i);

    /// <summary>Capacities biased to 0 and tiny values, where the edge cases are.</summary>
    public static Gen<int> Capacity { get; } = Gen.Frequency(
        (3, Gen.Elements(0, 1, 2, 3)),
        (4, Gen.Choose(4, 16)),
        (2, Gen.Choose(17, 200)));

    /// <summary>Chunks mostly small, sometimes empty, sometimes larger than any capacity.</summary>
    public static Gen<byte[]> Chunk { get; } = Gen.Frequency(
        (1, Gen.Constant(Array.Empty<byte>())),
        (6, Gen.Choose(1, 24).SelectMany(n => AnyByte.ArrayOf(n))),
        (1, Gen.Choose(25, 600).SelectMany(n => AnyByte.ArrayOf(n))));

    public static Gen<BufferScenario> Scenario { get; } =
        from head in Capacity
        from tail in Capacity
        from count in Gen.Choose(0, 30)
        from chunks in Chunk.ArrayOf(count)
        from split in Gen.Choose(0, count)
        select new BufferScenario(head, tail, chunks, split);

    /// <summary>
    /// Terminal-like bytes: heavy on ESC and the bytes that open, continue and close
    /// sequences, plus UTF-8 lead/continuation bytes and arbitrary noise.
    /// </summary>
    public static Gen<byte[]> TerminalBytes { get; } = Gen.Frequency(
        (4, Gen.Elements<byte>(0x1B, (byte)'[', (byte)']', (byte)'\\', 0x07, (byte)'P', (byte)'(', (byte)';', (byte)'3', (byte)'m', 0x18)),
        (3, Gen.Elements<byte>((byte)'\n', (byte)'\r', (byte)'\t', (byte)'a', (byte)' ', 0x00, 0x7F)),
        (3, Gen.Elements<byte>(0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x9B, 0xFF)),
        (3, AnyByte))
        .ArrayOf();

    /// <summary>Bytes plus ascending cut positions that split them into consecutive chunks.</summary>
    public static Gen<(byte[] Bytes, int[] Cuts)> TerminalBytesWithCuts { get; } =
        from bytes in TerminalBytes
        from cutCount in Gen.Choose(0, 6)
        from cuts in Gen.Choose(0, bytes.Length).ArrayOf(cutCount)
        select (bytes, cuts.Order().ToArray());

    /// <summary>Text without any control character or lone surrogate (so valid UTF-8 when encoded).</summary>
    public static Gen<string> PlainText { get; } = Gen.Frequency(
            (5, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Choose(0xA0, 0x7FF)),
            (2, Gen.Choose(0x800, 0xD7FF)),
            (1, Gen.Choose(0x10000, 0x10FFFF)))
        .Select(char.ConvertFromUtf32)
        .ArrayOf()
        .Select(parts => string.Concat(parts));
}
