using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>Interop with a real standard gRPC peer: Debian's python3-grpcio, as client and as server.</summary>
public sealed class PythonInteropTests(PythonInteropFixture python) : IClassFixture<PythonInteropFixture>
{
    private static readonly GrpcCallOptions TenSeconds = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task PythonClient_AgainstOurServer_AllCallKindsDeadlineAndLimitsBehave()
    {
        python.EnsureAvailable();
        await using var server = await GrpcTestServer.StartAsync();
        var deadlineId = Guid.NewGuid().ToString("N");

        // Warm the server's deadline path so JIT on a cold server cannot outlast the Python client's deadline.
        using (var warmUp = server.CreateChannel())
        {
            await warmUp.UnaryAsync(EchoMethods.Wait, new WaitRequest { Id = "warm-up" }, TenSeconds);
        }

        var result = await PythonProcess.RunAsync(
            [
                PythonInteropFixture.ScriptPath("echo_client.py"),
                "--target", $"127.0.0.1:{server.Address.Port}",
                "--stubs", python.StubDirectory,
                "--deadline-id", deadlineId,
            ],
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUMMARY passed=11 failed=0", result.StandardOutput, StringComparison.Ordinal);
        foreach (var check in new[] { "unary", "server_stream", "client_stream", "duplex", "deadline", "oversize", "unimplemented" })
        {
            Assert.Contains($"PASS {check}\n", result.StandardOutput, StringComparison.Ordinal);
        }

        // The deadline was enforced on our side too: the handler saw its token cancelled.
        await server.State.WaitCancelled(deadlineId).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task OurClient_AgainstPythonServer_UnaryAndDuplexInteroperate()
    {
        python.EnsureAvailable();
        await using var server = await PythonGrpcServer.StartAsync(python.StubDirectory);
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var unary = channel.AsyncUnaryCall(
            EchoMethods.Unary,
            new EchoRequest { Text = "hello python" },
            new GrpcCallOptions
            {
                Headers = new GrpcMetadata().Add("x-echo", "from-dotnet").Add("x-data-bin", new byte[] { 9, 0, 255 }),
                Timeout = TimeSpan.FromSeconds(10),
            });
        var reply = await unary;

        Assert.Equal("hello python", reply.Text);
        Assert.Equal("from-dotnet", unary.GetTrailers().GetValue("x-echo-trailer"));
        Assert.Equal(new byte[] { 9, 0, 255 }, unary.GetTrailers().GetValueBytes("x-data-bin"));

        using var duplex = channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
        for (var i = 0; i < 10; i++)
        {
            await duplex.RequestStream.WriteAsync(new EchoRequest { Text = $"d{i}" });
            Assert.True(await duplex.ResponseStream.MoveNext());
            Assert.Equal($"d{i}", duplex.ResponseStream.Current.Text);
        }

        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, duplex.GetStatus().Code);
    }

    [Fact]
    public async Task OurClient_AgainstPythonServer_StreamsStatusesAndDeadlines()
    {
        python.EnsureAvailable();
        await using var server = await PythonGrpcServer.StartAsync(python.StubDirectory);
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var serverStream = channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Text = "s", Count = 4 }, TenSeconds);
        var indexes = new List<int>();
        await foreach (var r in serverStream.ResponseStream.ReadAllAsync())
        {
            indexes.Add(r.Index);
        }

        using var clientStream = channel.AsyncClientStreamingCall(EchoMethods.ClientStream, TenSeconds);
        await clientStream.RequestStream.WriteAsync(new EchoRequest { Text = "x" });
        await clientStream.RequestStream.WriteAsync(new EchoRequest { Text = "y" });
        await clientStream.RequestStream.CompleteAsync();
        var joined = await clientStream;

        var notFound = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { FailWith = "status:5:gone (100%)" }, TenSeconds));
        var unimplemented = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryAsync(EchoMethods.Missing, new EchoRequest(), TenSeconds));
        var deadline = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryAsync(
            EchoMethods.Wait, new WaitRequest { Milliseconds = 30_000 }, new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        using var endsFirst = channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
        await endsFirst.RequestStream.WriteAsync(new EchoRequest { Text = "end" });
        var endsFirstHasMessage = await endsFirst.ResponseStream.MoveNext();

        Assert.Equal([0, 1, 2, 3], indexes);
        Assert.Equal("x,y", joined.Text);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("gone (100%)", notFound.Detail);
        Assert.Equal(StatusCode.Unimplemented, unimplemented.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);
        Assert.False(endsFirstHasMessage);
        Assert.Equal(StatusCode.OK, endsFirst.GetStatus().Code);
    }
}
