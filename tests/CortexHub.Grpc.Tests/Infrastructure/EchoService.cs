using CortexHub.Grpc.Tests.Protos;
using Google.Protobuf;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>The test service's handlers, as a <see cref="GrpcServiceDefinition"/>.</summary>
public static class EchoService
{
    public static GrpcServiceDefinition Create(EchoServiceState state) =>
        new GrpcServiceDefinition(EchoMethods.ServiceName)
            .AddUnary(EchoMethods.Unary, UnaryAsync)
            .AddServerStreaming(EchoMethods.ServerStream, ServerStreamAsync)
            .AddClientStreaming(EchoMethods.ClientStream, ClientStreamAsync)
            .AddDuplexStreaming(EchoMethods.Duplex, DuplexAsync)
            .AddUnary(EchoMethods.Wait, (request, context) => WaitAsync(state, request, context));

    private static async Task<EchoReply> UnaryAsync(EchoRequest request, GrpcServerCallContext context)
    {
        FailIfAsked(request);
        EchoMetadata(context);
        if (context.RequestHeaders.GetValue("x-send-headers") is { } headerValue)
        {
            await context.WriteResponseHeadersAsync(new GrpcMetadata().Add("x-header-echo", headerValue));
        }

        var payload = request.ReplyPayloadSize > 0
            ? ByteString.CopyFrom(new byte[request.ReplyPayloadSize])
            : request.Payload;
        return new EchoReply { Text = request.Text, Payload = payload };
    }

    private static async Task ServerStreamAsync(EchoRequest request, IGrpcStreamWriter<EchoReply> responses, GrpcServerCallContext context)
    {
        FailIfAsked(request);
        EchoMetadata(context);
        for (var i = 0; i < request.Count; i++)
        {
            await responses.WriteAsync(new EchoReply { Text = request.Text, Index = i });
        }

        context.ResponseTrailers.Add("x-count", request.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<EchoReply> ClientStreamAsync(IGrpcStreamReader<EchoRequest> requests, GrpcServerCallContext context)
    {
        EchoMetadata(context);
        var texts = new List<string>();
        await foreach (var request in requests.ReadAllAsync())
        {
            FailIfAsked(request);
            texts.Add(request.Text);
        }

        return new EchoReply { Text = string.Join(",", texts), Index = texts.Count };
    }

    private static async Task DuplexAsync(IGrpcStreamReader<EchoRequest> requests, IGrpcStreamWriter<EchoReply> responses, GrpcServerCallContext context)
    {
        EchoMetadata(context);
        var index = 0;
        while (await requests.MoveNext())
        {
            var request = requests.Current;
            FailIfAsked(request);
            if (request.Text == "end")
            {
                // The server ends the call while the client's request stream is still open.
                return;
            }

            await responses.WriteAsync(new EchoReply { Text = request.Text, Index = index++, Payload = request.Payload });
        }
    }

    private static async Task<EchoReply> WaitAsync(EchoServiceState state, WaitRequest request, GrpcServerCallContext context)
    {
        state.OnWaitStarted(request.Id);
        try
        {
            var token = request.IgnoreCancellation ? CancellationToken.None : context.CancellationToken;
            await Task.Delay(request.Milliseconds, token);
            return new EchoReply { Text = "done" };
        }
        catch (OperationCanceledException)
        {
            state.OnWaitCancelled(request.Id);
            throw;
        }
        finally
        {
            state.OnWaitFinished(request.Id);
        }
    }

    private static void EchoMetadata(GrpcServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("x-echo") is { } text)
        {
            context.ResponseTrailers.Add("x-echo-trailer", text);
            context.ResponseTrailers.Add("x-peer", context.Peer);
            context.ResponseTrailers.Add("x-has-deadline", context.Deadline is null ? "no" : "yes");
        }

        if (context.RequestHeaders.GetValueBytes("x-data-bin") is { } bytes)
        {
            context.ResponseTrailers.Add("x-data-bin", bytes);
        }
    }

    private static void FailIfAsked(EchoRequest request)
    {
        if (request.FailWith == "exception")
        {
            throw new InvalidOperationException("The echo handler was asked to fail.");
        }

        if (request.FailWith.StartsWith("status:", StringComparison.Ordinal))
        {
            var parts = request.FailWith.Split(':', 3);
            throw new GrpcStatusException((StatusCode)int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
        }
    }
}
