using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using CortexHub.Grpc;
using CortexHub.Protocol.V1;

namespace CortexHub.MicroBenchmarks.Grpc;

/// <summary>
/// One node-link message through the hub's own gRPC framing: encode is what the server does per
/// outgoing message (size, 5-byte header, serialise straight into the body writer); decode is
/// what it does per incoming one (bytes arrive in the request body pipe, the reader finds the
/// frame and parses it in place).
/// </summary>
[MemoryDiagnoser]
public class GrpcFramingBenchmarks
{
    // The server's default receive limit (GrpcServerOptions.DefaultMaxMessageSize).
    private const int MaxMessageSize = 4 * 1024 * 1024;

    private NodeMessage _message = null!;
    private byte[] _frame = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private Pipe _pipe = null!;

    [Params(MessageSize.Small, MessageSize.Large)]
    public MessageSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleMessages.Create(Size);
        var size = _message.CalculateSize();
        _frame = new byte[GrpcProtocol.FrameHeaderSize + size];
        GrpcFraming.WriteMessage(_frame, _message, size);

        _output = new ArrayBufferWriter<byte>(_frame.Length);

        // Inline schedulers and no back-pressure: the benchmark writes one frame and reads it
        // back on the same thread, so nothing ever waits.
        _pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            useSynchronizationContext: false));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipe.Writer.Complete();
        _pipe.Reader.Complete();
    }

    /// <summary>CalculateSize + header + serialisation into a buffer writer (the server's response path).</summary>
    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        var size = _message.CalculateSize();
        GrpcFraming.WriteMessage(_output, _message, size);
        return _output.WrittenCount;
    }

    /// <summary>
    /// The frame is copied into a pipe (as Kestrel copies a request body in) and read back with
    /// <c>GrpcMessageReader.ReadMessageAsync</c>; the payload spans pipe segments when large.
    /// </summary>
    [Benchmark]
    public async ValueTask<NodeMessage?> Decode()
    {
        await _pipe.Writer.WriteAsync(_frame);
        return await GrpcMessageReader.ReadMessageAsync(
            _pipe.Reader, NodeMessage.Parser, MaxMessageSize, messageEncoding: null, CancellationToken.None);
    }
}
