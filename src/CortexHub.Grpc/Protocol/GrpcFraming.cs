using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// The length-prefixed message frame: 1-byte compressed flag, 4-byte big-endian length, payload.
/// </summary>
internal static class GrpcFraming
{
    /// <summary>
    /// Reads a frame header from the start of <paramref name="buffer"/>; false while fewer than 5 bytes
    /// are there (the header may be split across any number of segments).
    /// </summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out byte compressedFlag, out uint length)
    {
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            compressedFlag = 0;
            length = 0;
            return false;
        }

        var first = buffer.FirstSpan;
        if (first.Length >= GrpcProtocol.FrameHeaderSize)
        {
            compressedFlag = first[0];
            length = BinaryPrimitives.ReadUInt32BigEndian(first[1..]);
            return true;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        compressedFlag = header[0];
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    public static void WriteHeader(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>
    /// Writes one uncompressed frame straight into <paramref name="writer"/> (no intermediate copy).
    /// <paramref name="size"/> must be <c>message.CalculateSize()</c>, already checked against the limit.
    /// </summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int size)
    {
        var header = writer.GetSpan(GrpcProtocol.FrameHeaderSize);
        WriteHeader(header, size);
        writer.Advance(GrpcProtocol.FrameHeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    /// <summary>
    /// Writes one frame into a contiguous span of exactly <c>5 + size</c> bytes.
    /// </summary>
    public static void WriteMessage(Span<byte> destination, IMessage message, int size)
    {
        WriteHeader(destination, size);
        if (size > 0)
        {
            message.WriteTo(destination.Slice(GrpcProtocol.FrameHeaderSize, size));
        }
    }
}
