using System.Buffers.Binary;
using Google.Protobuf;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// Seeded, reproducible gRPC frames for Connect streams: real node messages, mostly mangled (bytes
/// flipped, cut short, replaced by noise, lengths that lie, the compressed flag set), so the hub's
/// framing, protobuf parsing and session logic all see garbage. Half the streams open with a valid
/// Hello of an authenticated node, so what follows reaches a live node session.
/// </summary>
public sealed class RandomFrames(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>One stream's request body: <paramref name="frames"/> frames, the first a valid Hello when <paramref name="hello"/> is given.</summary>
    public byte[] Stream(int frames, Hello? hello)
    {
        var body = new MemoryStream();
        for (var i = 0; i < frames; i++)
        {
            body.Write(i == 0 && hello is not null ? RawFrames.Frame(new NodeMessage { Hello = hello }) : Next());
        }

        return body.ToArray();
    }

    /// <summary>How the body is cut into DATA frames: random sizes from 1 byte to 4 KiB.</summary>
    public IReadOnlyList<byte[]> Chunks(byte[] body)
    {
        var chunks = new List<byte[]>();
        for (var offset = 0; offset < body.Length;)
        {
            var size = Math.Min(body.Length - offset, _random.Next(2) == 0 ? _random.Next(1, 16) : _random.Next(16, 4097));
            chunks.Add(body[offset..(offset + size)]);
            offset += size;
        }

        return chunks;
    }

    private byte[] Next()
    {
        var payload = Message().ToByteArray();
        switch (_random.Next(8))
        {
            case 0: // intact
                return RawFrames.Frame(payload);
            case 1: // a few bytes flipped
                for (var i = 0; i < 1 + payload.Length / 16 && payload.Length > 0; i++)
                {
                    payload[_random.Next(payload.Length)] ^= (byte)_random.Next(1, 256);
                }

                return RawFrames.Frame(payload);
            case 2: // noise instead of a message
                return RawFrames.Frame(RandomBytes(_random.Next(0, 128)));
            case 3: // cut short: the rest of the stream is read as this frame's remainder
                return RawFrames.Frame(payload[..(payload.Length / 2)], declaredLength: (uint)payload.Length);
            case 4: // a length promising more than will ever come (up to 4 GiB)
                return RawFrames.Frame(payload, declaredLength: (uint)_random.NextInt64(payload.Length + 1, uint.MaxValue + 1L));
            case 5: // compressed flag without grpc-encoding
                return RawFrames.Frame(payload, compressedFlag: 1);
            case 6: // a flag byte that is neither 0 nor 1
                return RawFrames.Frame(payload, compressedFlag: (byte)_random.Next(2, 256));
            default: // a random frame header followed by random bytes
                var header = RandomBytes(5);
                var declared = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                return [.. header, .. RandomBytes((int)Math.Min(declared, 64))];
        }
    }

    private NodeMessage Message() => _random.Next(6) switch
    {
        0 => new NodeMessage { Heartbeat = new Heartbeat { SentAtUnixMs = (ulong)_random.NextInt64(), RunningTasks = (uint)_random.Next() } },
        1 => new NodeMessage { CommandAck = new CommandAck { CommandId = RandomText() } },
        2 => new NodeMessage { WorkRequest = new WorkRequest { Slots = (uint)_random.Next(0, 4) } },
        3 => new NodeMessage { Hello = new Hello { NodeId = RandomText(), Token = RandomText() } },
        _ => new NodeMessage
        {
            TaskEvent = new TaskEvent
            {
                TaskId = RandomText(),
                Sequence = (ulong)_random.Next(0, 1000),
                Output = new OutputChunk { Stream = OutputStream.Stdout, Data = ByteString.CopyFrom(RandomBytes(_random.Next(0, 512))) },
            },
        },
    };

    private string RandomText() => Convert.ToHexString(RandomBytes(_random.Next(0, 12)));

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
