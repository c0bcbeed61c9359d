using System.Net;
using System.Text;

namespace CortexHub.Cli.Tests.Commands;

/// <summary>Following a task's events across a dropped connection, against a fake hub that speaks the event stream.</summary>
public sealed class TaskFollowerTests
{
    [Fact]
    public async Task LogsFollow_ConnectionDropsMidStream_ResumesWithLastEventId_NoEventLostOrRepeated()
    {
        var requests = new List<HttpRequestMessage>();
        var handler = new ScriptedHandler(requests,
            _ => Events(dropAtEnd: true,
                "id: 1\nevent: started\ndata: {\"sequence\":1}\n\n",
                "id: 2\nevent: output\ndata: {\"sequence\":2,\"stream\":\"stdout\",\"text\":\"a\"}\n\n",
                "id: 3\nevent: output\ndata: {\"sequence\":3,\"stream\":\"stderr\",\"text\":\"b\"}\n\n"),
            _ => Events(dropAtEnd: false,
                ": keep-alive\n\n",
                "id: 3\nevent: output\ndata: {\"sequence\":3,\"stream\":\"stderr\",\"text\":\"b\"}\n\n", // sent again: skipped
                "id: 4\nevent: output\ndata: {\"sequence\":4,\"stream\":\"stdout\",\"text\":\"c\"}\n\n",
                "id: 5\nevent: result\ndata: {\"sequence\":5,\"outcome\":\"exited\",\"exitCode\":4,\"error\":null}\n\n",
                "event: end\ndata: {\"taskId\":\"t1\",\"state\":\"failed\",\"exitCode\":4}\n\n"));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = HubFixture.Environment(("CORTEX_HUB", "http://hub.invalid"), ("CORTEX_API_KEY", "chk.u.k.s")),
            HttpHandlerFactory = () => handler,
        };

        var exitCode = await CortexApp.RunAsync(["logs", "-f", "t1"], context).WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == 4, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal("ac", stdout.ToString());
        Assert.Equal("b", stderr.ToString());
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("http://hub.invalid/api/v1/tasks/t1/events", r.RequestUri!.ToString()));
        Assert.All(requests, r => Assert.Equal("Bearer chk.u.k.s", r.Headers.Authorization!.ToString()));
        Assert.False(requests[0].Headers.Contains("Last-Event-ID"));
        Assert.Equal("3", requests[1].Headers.GetValues("Last-Event-ID").Single());
    }

    [Fact]
    public async Task LogsFollow_HubLostAcknowledgedEvents_ShowsItsMarkerWhereTheyWere()
    {
        var handler = new ScriptedHandler([],
            _ => Events(dropAtEnd: false,
                "id: 1\nevent: output\ndata: {\"sequence\":1,\"stream\":\"stdout\",\"text\":\"line 1\\n\"}\n\n",
                "id: 5\nevent: lost\ndata: {\"sequence\":5,\"from\":2,\"to\":5,\"stream\":\"stdout\",\"text\":\"[hub lost events 2\\u20135]\\n\"}\n\n",
                "id: 6\nevent: output\ndata: {\"sequence\":6,\"stream\":\"stdout\",\"text\":\"line 6\\n\"}\n\n",
                "id: 7\nevent: result\ndata: {\"sequence\":7,\"outcome\":\"exited\",\"exitCode\":0,\"error\":null}\n\n",
                "event: end\ndata: {\"taskId\":\"t1\",\"state\":\"succeeded\",\"exitCode\":0}\n\n"));
        var stdout = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = new StringWriter(),
            Environment = HubFixture.Environment(("CORTEX_HUB", "http://hub.invalid"), ("CORTEX_API_KEY", "chk.u.k.s")),
            HttpHandlerFactory = () => handler,
        };

        Assert.Equal(0, await CortexApp.RunAsync(["logs", "-f", "t1"], context).WaitAsync(HubFixture.Wait));
        Assert.Equal("line 1\n[hub lost events 2–5]\nline 6\n", stdout.ToString());
    }

    private static HttpResponseMessage Events(bool dropAtEnd, params string[] events)
    {
        var content = new StreamContent(new DroppingStream(Encoding.UTF8.GetBytes(string.Concat(events)), dropAtEnd));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>
    /// Answers each request with the next scripted response; the task id lookup (<c>GET /tasks?idPrefix=</c>) that comes
    /// first finds no other task, so the id is followed as given.
    /// </summary>
    private sealed class ScriptedHandler(List<HttpRequestMessage> requests, params Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Query.Contains("idPrefix=", StringComparison.Ordinal))
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", Encoding.UTF8, "application/json") });
            }

            requests.Add(request);
            return Task.FromResult(responses[requests.Count - 1](request));
        }
    }

    /// <summary>A body that ends normally, or with an IOException as a dropped connection does.</summary>
    private sealed class DroppingStream(byte[] data, bool drop) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => Check(base.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Check(await base.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Check(await base.ReadAsync(buffer, offset, count, cancellationToken));

        private int Check(int read) => read == 0 && drop ? throw new IOException("connection reset by peer") : read;
    }
}
