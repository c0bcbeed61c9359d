using CortexHub.NodeLink.Tests.Infrastructure;
using Grpc.Net.Client;

namespace CortexHub.NodeLink.Tests;

/// <summary>The 4 MiB receive limit of the gRPC port, as a real client (Grpc.Net.Client) meets it.</summary>
[Collection(SiloCollection.Name)]
public sealed class MessageSizeTests(InProcessSilo silo)
{
    private const int ReceiveLimit = 4 * 1024 * 1024;

    [Fact]
    public async Task Connect_HelloOverReceiveLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        using var call = new NodeLinkClient(channel).Connect(deadline: DateTime.UtcNow + Deadlines.Call);

        // The hub refuses the message from its length prefix and resets the stream while the client
        // is still sending the rest, so the write may fail (CANCELLED); the call's status says why.
        var write = call.RequestStream.WriteAsync(HelloOfSize(ReceiveLimit + 1));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        await Record.ExceptionAsync(() => write);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await silo.Witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }

    /// <summary>
    /// Just under the limit (more than HTTP/2's stream window): read whole, then refused on its
    /// content — no Hello field may be that long (a padding label over CortexHub:Limits), so the
    /// status is INVALID_ARGUMENT, not RESOURCE_EXHAUSTED or a transport failure.
    /// </summary>
    [Fact]
    public async Task Connect_HelloJustUnderReceiveLimit_ReadWholeThenRefusedOnItsBounds()
    {
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        using var call = new NodeLinkClient(channel).Connect(deadline: DateTime.UtcNow + Deadlines.Call);

        await call.RequestStream.WriteAsync(HelloOfSize(ReceiveLimit - 64));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        await silo.AssertServesNodesAsync();
    }

    /// <summary>A Hello whose serialized NodeMessage is about <paramref name="bytes"/> long (padded with a label).</summary>
    private static NodeMessage HelloOfSize(int bytes)
    {
        var message = new NodeMessage { Hello = new Hello { NodeId = "big", Token = "chn_big" } };
        message.Hello.Labels["padding"] = "";
        var padding = bytes - message.CalculateSize();
        message.Hello.Labels["padding"] = new string('x', padding - 8);
        while (message.CalculateSize() < bytes)
        {
            message.Hello.Labels["padding"] += "x";
        }

        return message;
    }
}
