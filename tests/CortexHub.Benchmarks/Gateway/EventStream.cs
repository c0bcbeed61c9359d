using CortexHub.Protocol.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// One node-like Connect stream sending task output events and reading Acks — against the gateway
/// (after Hello/Welcome) or the echo service — so both are driven by the same code.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<NodeMessage, HubMessage> _call;
    private readonly string _taskId;
    private readonly ByteString _payload;
    private long _sequence;

    private EventStream(AsyncDuplexStreamingCall<NodeMessage, HubMessage> call, string taskId, int payloadBytes)
    {
        _call = call;
        _taskId = taskId;
        _payload = ByteString.CopyFrom(new byte[payloadBytes]);
    }

    /// <param name="hello">Sent first and answered by Welcome (the gateway); null for the echo service.</param>
    public static async Task<EventStream> OpenAsync(GrpcChannel channel, string taskId, int payloadBytes, Hello? hello)
    {
        var stream = new EventStream(new NodeLink.NodeLinkClient(channel).Connect(), taskId, payloadBytes);
        if (hello is not null)
        {
            await stream._call.RequestStream.WriteAsync(new NodeMessage { Hello = hello });
            await stream.ReadAckOrWelcomeAsync();
        }

        return stream;
    }

    /// <summary>The last sequence sent on this stream.</summary>
    public long LastSequence => _sequence;

    /// <summary>Sends the next output event; returns its sequence number.</summary>
    public async ValueTask<long> SendAsync()
    {
        var sequence = ++_sequence;
        await _call.RequestStream.WriteAsync(new NodeMessage
        {
            TaskEvent = new TaskEvent { TaskId = _taskId, Sequence = (ulong)sequence, Output = new OutputChunk { Stream = OutputStream.Stdout, Data = _payload } },
        });
        return sequence;
    }

    /// <summary>Reads until an Ack (or Welcome); returns the acknowledged sequence.</summary>
    public async ValueTask<long> ReadAckOrWelcomeAsync()
    {
        while (await _call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var message = _call.ResponseStream.Current;
            if (message.BodyCase == HubMessage.BodyOneofCase.Ack)
            {
                return (long)message.Ack.Sequence;
            }

            if (message.BodyCase == HubMessage.BodyOneofCase.Welcome)
            {
                return 0;
            }
        }

        throw new InvalidOperationException($"Stream ended: {_call.GetStatus()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _call.RequestStream.CompleteAsync();
        _call.Dispose();
    }
}
