using System.Threading.Channels;
using Grpc.Core;

namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>
/// The fake hub's NodeLink service: after Hello it hands the stream to the test as a <see cref="FakeHubSession"/>
/// and keeps the call open until the test ends it.
/// </summary>
public sealed class FakeNodeLinkService(Channel<FakeHubSession> sessions) : NodeLink.NodeLinkBase
{
    public override async Task Connect(IAsyncStreamReader<NodeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.BodyCase != NodeMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello first."));
        }

        var session = new FakeHubSession(requestStream.Current.Hello, requestStream, responseStream, context.CancellationToken);
        await sessions.Writer.WriteAsync(session, context.CancellationToken);
        await session.Ended.WaitAsync(context.CancellationToken);
    }
}
