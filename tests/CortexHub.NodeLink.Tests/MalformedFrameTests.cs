using CortexHub.NodeLink.Tests.Infrastructure;

namespace CortexHub.NodeLink.Tests;

/// <summary>
/// Broken gRPC framing inside well-formed HTTP/2 requests, on both node link methods. What each
/// yields is grpc-dotnet's answer (Grpc.AspNetCore 2.85), noted per test; after each one the
/// witness node (connected before any test) keeps getting acks, and a new GetHubInfo and a new
/// node's Connect succeed.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class MalformedFrameTests(InProcessSilo silo) : IDisposable
{
    private readonly RawGrpcPeer _peer = new(silo.GrpcAddress);

    public void Dispose() => _peer.Dispose();

    /// <summary>
    /// The length prefix promises 200 bytes, 20 come, then END_STREAM: grpc-dotnet's reader ends
    /// the call with INTERNAL "Incomplete message." (trailers-only) before any handler logic runs.
    /// </summary>
    [Theory]
    [InlineData(NodeLinkPaths.Connect)]
    [InlineData(NodeLinkPaths.GetHubInfo)]
    public async Task TruncatedFrame_EndOfStreamMidMessage_InternalIncompleteMessage(string path)
    {
        var response = await HostileRequests.TruncatedFrameAsync(_peer, path);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Equal("Incomplete message.", response.Message);
        Assert.True(response.IsTrailersOnly, response.ToString());
        await AssertUnaffectedAsync();
    }

    /// <summary>
    /// A 5-byte prefix declaring 4 GiB − 1, with the stream held open: answered at once, without
    /// waiting for or buffering the promised bytes. grpc-dotnet rejects a length above
    /// int.MaxValue as a malformed message rather than as an oversize one: the unary method ends
    /// with UNKNOWN "Exception was thrown by handler." (grpc-dotnet reads a unary request before
    /// any interceptor); on Connect the read fails inside the handler, so the hub's error-id
    /// interceptor turns it into INTERNAL with an error id.
    /// </summary>
    [Theory]
    [InlineData(NodeLinkPaths.Connect, StatusCode.Internal, "error id")]
    [InlineData(NodeLinkPaths.GetHubInfo, StatusCode.Unknown, "Exception was thrown by handler.")]
    public async Task LengthPrefix4GiB_StreamHeldOpen_FailsAtOnce(string path, StatusCode expected, string message)
    {
        var response = await HostileRequests.DeclaredLengthAsync(_peer, path, uint.MaxValue);

        Assert.Equal(expected, response.Status);
        Assert.Contains(message, response.Message, StringComparison.Ordinal);
        await AssertUnaffectedAsync();
    }

    /// <summary>
    /// A prefix just over the 4 MiB receive limit (5 MiB) is refused from the header alone:
    /// RESOURCE_EXHAUSTED "Received message exceeds the maximum configured message size.".
    /// </summary>
    [Theory]
    [InlineData(NodeLinkPaths.Connect)]
    [InlineData(NodeLinkPaths.GetHubInfo)]
    public async Task LengthPrefixOverReceiveLimit_StreamHeldOpen_ResourceExhaustedAtOnce(string path)
    {
        var response = await HostileRequests.DeclaredLengthAsync(_peer, path, 5 * 1024 * 1024);

        Assert.Equal(StatusCode.ResourceExhausted, response.Status);
        Assert.Equal("Received message exceeds the maximum configured message size.", response.Message);
        await AssertUnaffectedAsync();
    }

    /// <summary>
    /// The compressed flag set on a request without <c>grpc-encoding</c>: INTERNAL "Request did
    /// not include grpc-encoding value with compressed message.".
    /// </summary>
    [Theory]
    [InlineData(NodeLinkPaths.Connect)]
    [InlineData(NodeLinkPaths.GetHubInfo)]
    public async Task CompressedFlag_NoGrpcEncoding_Internal(string path)
    {
        var response = await HostileRequests.CompressedWithoutEncodingAsync(_peer, path);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Equal("Request did not include grpc-encoding value with compressed message.", response.Message);
        await AssertUnaffectedAsync();
    }

    /// <summary>
    /// A whole frame whose payload is not protobuf (a field claiming 127 bytes that are not there).
    /// Same split as the 4 GiB prefix: UNKNOWN from grpc-dotnet on the unary method, INTERNAL with
    /// an error id from the hub's interceptor on Connect.
    /// </summary>
    [Theory]
    [InlineData(NodeLinkPaths.Connect, StatusCode.Internal, "error id")]
    [InlineData(NodeLinkPaths.GetHubInfo, StatusCode.Unknown, "Exception was thrown by handler.")]
    public async Task GarbageProtobuf_WholeFrame_CallFails(string path, StatusCode expected, string message)
    {
        var response = await _peer.SendAsync(path, [RawFrames.Frame([0x0A, 0x7F, 0x01])]);

        Assert.Equal(expected, response.Status);
        Assert.Contains(message, response.Message, StringComparison.Ordinal);
        await AssertUnaffectedAsync();
    }

    /// <summary>A valid Hello split into 1-byte DATA frames is reassembled: the hub answers (UNAUTHENTICATED for the bogus node).</summary>
    [Fact]
    public async Task Hello_SplitIntoOneByteDataFrames_Reassembled()
    {
        var response = await _peer.SendAsync(NodeLinkPaths.Connect, RawFrames.Split(HostileRequests.HelloFrame(), 1));

        Assert.Equal(StatusCode.Unauthenticated, response.Status);
        await AssertUnaffectedAsync();
    }

    private async Task AssertUnaffectedAsync()
    {
        await silo.Witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }
}
