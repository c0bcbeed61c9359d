using System.Text;
using System.Text.Json;

namespace CortexHub.Journal.Tests;

public sealed class HeadTailBufferTests
{
    private static byte[] Bytes(string ascii) => Encoding.ASCII.GetBytes(ascii);

    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void Constructor_NegativeCapacity_Throws(int head, int tail)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeadTailBuffer(head, tail));
    }

    [Fact]
    public void Append_LessThanHead_KeepsEverythingInHead()
    {
        var buffer = new HeadTailBuffer(10, 5);

        buffer.Append(Bytes("abc"));
        buffer.Append(Bytes("de"));

        Assert.Equal("abcde", Text(buffer.Head()));
        Assert.Empty(buffer.Tail());
        Assert.Equal(5, buffer.TotalBytes);
        Assert.Equal(0, buffer.OmittedBytes);
        Assert.False(buffer.IsTruncated);
    }

    [Fact]
    public void Append_PastHeadAndTail_KeepsPrefixAndSuffixAndCountsTheGap()
    {
        var buffer = new HeadTailBuffer(3, 4);

        foreach (string piece in new[] { "ab", "cdef", "g", "hijkl", "mn" })
        {
            buffer.Append(Bytes(piece));
        }

        Assert.Equal("abc", Text(buffer.Head()));
        Assert.Equal("klmn", Text(buffer.Tail()));
        Assert.Equal(14, buffer.TotalBytes);
        Assert.Equal(7, buffer.OmittedBytes);
        Assert.True(buffer.IsTruncated);
    }

    [Fact]
    public void Append_SingleChunkLargerThanBothCapacities_SplitsIt()
    {
        var buffer = new HeadTailBuffer(4, 3);

        buffer.Append(Bytes("0123456789"));

        Assert.Equal("0123", Text(buffer.Head()));
        Assert.Equal("789", Text(buffer.Tail()));
        Assert.Equal(3, buffer.OmittedBytes);
    }

    [Fact]
    public void Append_ZeroCapacities_OmitsEverything()
    {
        var buffer = new HeadTailBuffer(0, 0);

        buffer.Append(Bytes("hello"));
        buffer.Append(ReadOnlySpan<byte>.Empty);

        Assert.Empty(buffer.Head());
        Assert.Empty(buffer.Tail());
        Assert.Equal(5, buffer.TotalBytes);
        Assert.Equal(5, buffer.OmittedBytes);
    }

    [Fact]
    public void Append_ZeroHeadCapacity_KeepsOnlyTail()
    {
        var buffer = new HeadTailBuffer(0, 3);

        buffer.Append(Bytes("ab"));
        buffer.Append(Bytes("cd"));

        Assert.Empty(buffer.Head());
        Assert.Equal("bcd", Text(buffer.Tail()));
        Assert.Equal(1, buffer.OmittedBytes);
    }

    [Fact]
    public void Append_RingWrapsManyTimes_TailIsChronological()
    {
        var buffer = new HeadTailBuffer(0, 5);

        for (int i = 0; i < 26; i++)
        {
            buffer.Append([(byte)('a' + i)]);
        }

        Assert.Equal("vwxyz", Text(buffer.Tail()));
        Assert.Equal(21, buffer.OmittedBytes);
    }

    [Fact]
    public void CopyTailTo_DestinationTooShort_Throws()
    {
        var buffer = new HeadTailBuffer(0, 4);
        buffer.Append(Bytes("abcd"));

        Assert.Throws<ArgumentException>(() => buffer.CopyTailTo(new byte[3]));
    }

    [Fact]
    public void CopyTailTo_LargerDestination_FillsTheStart()
    {
        var buffer = new HeadTailBuffer(1, 3);
        buffer.Append(Bytes("abcdef"));
        var destination = new byte[5];

        buffer.CopyTailTo(destination);

        Assert.Equal("def\0\0", Text(destination));
    }

    [Fact]
    public void Append_WhenWarm_AllocatesNothing()
    {
        var buffer = new HeadTailBuffer(64, 256);
        byte[] chunk = new byte[100];
        for (int i = 0; i < 100; i++)
        {
            buffer.Append(chunk.AsSpan(0, i));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            buffer.Append(chunk.AsSpan(0, i % 100));
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void FromState_JsonRoundTrip_ContinuesIdentically()
    {
        var original = new HeadTailBuffer(4, 5);
        original.Append(Bytes("0123456789ab"));

        string json = JsonSerializer.Serialize(original.ToState());
        HeadTailState state = JsonSerializer.Deserialize<HeadTailState>(json)!;
        HeadTailBuffer restored = HeadTailBuffer.FromState(state);
        original.Append(Bytes("XYZ"));
        restored.Append(Bytes("XYZ"));

        Assert.Contains("\"Head\":\"MDEyMw==\"", json);
        Assert.Equal(original.Head(), restored.Head());
        Assert.Equal(original.Tail(), restored.Tail());
        Assert.Equal("abXYZ", Text(restored.Tail()));
        Assert.Equal(original.TotalBytes, restored.TotalBytes);
        Assert.Equal(original.OmittedBytes, restored.OmittedBytes);
    }

    public static TheoryData<HeadTailState> InconsistentStates() => new()
    {
        new HeadTailState(new byte[5], [], 5, 4, 4),              // head over capacity
        new HeadTailState(new byte[4], new byte[5], 9, 4, 4),     // tail over capacity
        new HeadTailState(new byte[2], [], 3, 4, 4),              // bytes past a head that is not full
        new HeadTailState(new byte[2], new byte[1], 3, 4, 4),     // tail while the head is not full
        new HeadTailState(new byte[4], new byte[2], 7, 4, 4),     // omitted while the tail is not full
        new HeadTailState(new byte[4], new byte[4], 7, 4, 4),     // total below what is kept
        new HeadTailState([], [], 0, -1, 4),                      // negative capacity
        new HeadTailState(null!, [], 0, 0, 0),                    // missing head in JSON
    };

    [Theory]
    [MemberData(nameof(InconsistentStates))]
    public void FromState_InconsistentState_Throws(HeadTailState state)
    {
        Assert.Throws<ArgumentException>(() => HeadTailBuffer.FromState(state));
    }

    [Fact]
    public void Snapshot_Truncated_MarkerStatesExactOmittedCount()
    {
        var buffer = new HeadTailBuffer(3, 3);
        buffer.Append(Bytes("abc"));
        buffer.Append(new byte[12_345]);
        buffer.Append(Bytes("xyz"));

        string display = buffer.Snapshot().ToDisplayString();

        Assert.Equal("abc\n[… 12345 bytes omitted …]\nxyz", display);
    }

    [Fact]
    public void Snapshot_NotTruncated_HasNoMarkerAndJoinsSplitCharacter()
    {
        // "é" is C3 A9: the head ends with C3, the tail starts with A9.
        var buffer = new HeadTailBuffer(2, 8);
        buffer.Append(Encoding.UTF8.GetBytes("aé!"));

        string display = buffer.Snapshot().ToDisplayString();

        Assert.Equal("aé!", display);
    }

    [Fact]
    public void ToDisplayString_CustomDecoder_StripsEachPart()
    {
        var buffer = new HeadTailBuffer(9, 9);
        buffer.Append(Bytes("\e[31mred\e[0m"));
        buffer.Append(new byte[10]);
        buffer.Append(Bytes("\e[1mbold!"));

        string display = buffer.Snapshot().ToDisplayString(bytes => AnsiStripper.StripAll(bytes));

        Assert.Equal("red\n[… 13 bytes omitted …]\nbold!", display);
    }
}
