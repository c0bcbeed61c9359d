using BenchmarkDotNet.Attributes;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Tasks;

namespace CortexHub.MicroBenchmarks.Journal;

/// <summary>
/// A task journal's stdout buffer (<see cref="HeadTailBuffer"/>, default 16 KiB head + 64 KiB
/// tail) taking 1 MiB of output per operation, long past its limit: the head is full, so every
/// byte goes through the tail ring and pushes older bytes out. The chunk size is that of the
/// output events: a line-buffered process sends lines, a busy one full 16 KiB agent reads.
/// </summary>
[MemoryDiagnoser]
public class HeadTailAppendBenchmarks
{
    /// <summary>Output appended per operation.</summary>
    public const int BytesPerOperation = 1024 * 1024;

    private HeadTailBuffer _buffer = null!;
    private byte[] _chunk = null!;
    private int _chunksPerOperation;

    [Params(100, 16 * 1024)]
    public int ChunkBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chunk = new byte[ChunkBytes];
        Array.Fill(_chunk, (byte)'x');
        _chunksPerOperation = BytesPerOperation / ChunkBytes;
        _buffer = new HeadTailBuffer(JournalOptions.DefaultHeadBytes, JournalOptions.DefaultTailBytes);

        // Past the limit before the first measurement, so every operation measures the steady state.
        Append1MiB();
    }

    [Benchmark]
    public long Append1MiB()
    {
        for (var i = 0; i < _chunksPerOperation; i++)
        {
            _buffer.Append(_chunk);
        }

        return _buffer.OmittedBytes;
    }
}
