using System.Buffers.Binary;
using Google.Protobuf;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>Builds gRPC message frames byte by byte, including malformed ones.</summary>
public static class RawFrames
{
    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    /// <summary>A frame with <paramref name="payload"/>; the flag and declared length may lie.</summary>
    public static byte[] Frame(byte[] payload, byte compressedFlag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Cuts <paramref name="bytes"/> into chunks of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static IReadOnlyList<byte[]> Split(byte[] bytes, int size) => bytes.Chunk(size).ToArray();

    /// <summary>Parses a response body into frame payloads; throws if it is not whole frames.</summary>
    public static IReadOnlyList<byte[]> Parse(byte[] body)
    {
        var frames = new List<byte[]>();
        var offset = 0;
        while (offset < body.Length)
        {
            if (body.Length - offset < 5)
            {
                throw new FormatException($"Body ends inside a frame header at offset {offset}.");
            }

            if (body[offset] != 0)
            {
                throw new FormatException($"Frame at offset {offset} has compressed flag {body[offset]}.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            if (body.Length - offset - 5 < length)
            {
                throw new FormatException($"Frame at offset {offset} declares {length} bytes; fewer remain.");
            }

            frames.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return frames;
    }
}
