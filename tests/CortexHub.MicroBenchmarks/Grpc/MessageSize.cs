namespace CortexHub.MicroBenchmarks.Grpc;

/// <summary>The two node-to-hub messages the framing benchmarks send; see <see cref="SampleMessages"/>.</summary>
public enum MessageSize
{
    /// <summary>One short coloured output line: a 99-byte message, 104 bytes framed.</summary>
    Small,

    /// <summary>One full agent read (16 KiB of output): a 16,438-byte message, 16,443 bytes framed.</summary>
    Large,
}
