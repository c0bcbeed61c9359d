using System.Net;
using CortexHub.NodeLink.Tests.Infrastructure;

namespace CortexHub.NodeLink.Tests;

/// <summary>Requests that are not gRPC at all: wrong content types and HTTP/1.1 on the h2c port.</summary>
[Collection(SiloCollection.Name)]
public sealed class ProtocolMisuseTests(InProcessSilo silo) : IDisposable
{
    private readonly RawGrpcPeer _peer = new(silo.GrpcAddress);

    public void Dispose() => _peer.Dispose();

    /// <summary>
    /// grpc-dotnet answers a non-gRPC content type with HTTP 415 and grpc-status INTERNAL naming
    /// it ("Content-Type 'application/json' is not supported." / "Content-Type is missing from the
    /// request."); the service is never called.
    /// </summary>
    [Theory]
    [InlineData("application/json", "Content-Type 'application/json' is not supported.")]
    [InlineData(null, "Content-Type is missing from the request.")]
    public async Task Connect_WrongContentType_Http415(string? contentType, string message)
    {
        var response = await HostileRequests.ContentTypeAsync(_peer, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Equal(message, response.Message);
        await AssertUnaffectedAsync();
    }

    /// <summary>The <c>+proto</c> suffix is gRPC's own content type too: the Hello is read (and refused for its bogus token).</summary>
    [Fact]
    public async Task Connect_GrpcProtoContentType_Accepted()
    {
        var response = await HostileRequests.ContentTypeAsync(_peer, "application/grpc+proto");

        Assert.Equal(StatusCode.Unauthenticated, response.Status);
    }

    /// <summary>
    /// The gRPC port speaks HTTP/2 only (h2c by prior knowledge). Kestrel recognises an HTTP/1.x
    /// request line, answers "HTTP/1.1 400 Bad Request" with a plain-text reason and closes the
    /// connection.
    /// </summary>
    [Fact]
    public async Task Http11Request_RawSocket_BadRequestAndConnectionClosed()
    {
        var answer = await HostileRequests.Http11RequestAsync(silo.GrpcAddress);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(HostileRequests.Http1RejectionText, answer, StringComparison.Ordinal);
        await AssertUnaffectedAsync();
    }

    [Fact]
    public async Task Http11Request_HttpClient_BadRequest()
    {
        Assert.Equal(HttpStatusCode.BadRequest, await HostileRequests.Http11ClientRequestAsync(silo.GrpcAddress));
        await AssertUnaffectedAsync();
    }

    [Fact]
    public async Task UnknownMethod_Unimplemented()
    {
        var response = await _peer.SendAsync("/cortexhub.v1.NodeLink/Nope", [HostileRequests.HelloFrame()]);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.Unimplemented, response.Status);
        await AssertUnaffectedAsync();
    }

    private async Task AssertUnaffectedAsync()
    {
        await silo.Witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }
}
