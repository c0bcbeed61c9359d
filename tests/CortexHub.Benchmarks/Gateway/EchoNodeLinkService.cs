using CortexHub.Protocol.V1;
using Grpc.Core;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// The node link's service contract with nothing behind it: every task event is answered by its
/// Ack at once, as the gateway answers once the event is durable, but with no grains and no storage.
/// </summary>
internal sealed class EchoNodeLinkService : NodeLink.NodeLinkBase
{
    public override async Task Connect(IAsyncStreamReader<NodeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            if (requestStream.Current.BodyCase == NodeMessage.BodyOneofCase.TaskEvent)
            {
                var e = requestStream.Current.TaskEvent;
                await responseStream.WriteAsync(new HubMessage { Ack = new Ack { TaskId = e.TaskId, Sequence = e.Sequence } }, context.CancellationToken);
            }
        }
    }

    public override Task<HubInfo> GetHubInfo(HubInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new HubInfo { Protocol = "cortexhub.v1", HubVersion = "echo" });
}
