using System.Net;

namespace CortexHub.Dashboard.Tests;

/// <summary>The silo serves the dashboard's embedded files without a key, with their content types and no-cache.</summary>
public sealed class DashboardFilesTests
{
    [Fact]
    public async Task Root_RedirectsToDashboard_FilesServedWithTypesNoCacheAndETag_OthersNotFound()
    {
        await using var cluster = await HubFixture.StartAsync();
        using var http = cluster.Client(apiKey: null, followRedirects: false);

        foreach (var path in new[] { "/", "/dashboard" })
        {
            var redirect = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("/dashboard/", redirect.Headers.Location?.OriginalString);
        }

        foreach (var (path, type) in new[]
        {
            ("/dashboard/", "text/html"), ("/dashboard/index.html", "text/html"), ("/dashboard/app.js", "text/javascript"),
            ("/dashboard/api.js", "text/javascript"), ("/dashboard/ansi.js", "text/javascript"), ("/dashboard/dom.js", "text/javascript"),
            ("/dashboard/pool.js", "text/javascript"), ("/dashboard/logmodel.js", "text/javascript"), ("/dashboard/logwindow.js", "text/javascript"),
            ("/dashboard/logsearch.js", "text/javascript"), ("/dashboard/logview.js", "text/javascript"), ("/dashboard/taskpanel.js", "text/javascript"),
            ("/dashboard/rerun.js", "text/javascript"), ("/dashboard/app.css", "text/css"), ("/dashboard/favicon.svg", "image/svg+xml"),
        })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoCache, $"GET {path}: Cache-Control {response.Headers.CacheControl}");
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", await http.GetStringAsync("/dashboard/"));
        // no-cache revalidates: an unchanged file is a 304.
        var etag = (await http.GetAsync("/dashboard/app.js")).Headers.ETag;
        Assert.NotNull(etag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        revalidate.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(revalidate)).StatusCode);

        foreach (var path in new[] { "/dashboard/README.md", "/dashboard/nope.js", "/dashboard/../CortexHub.Api.dll", "/dashboard/%2e%2e/app.js" })
        {
            Assert.True((await http.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, $"GET {path} should be 404");
        }
    }
}
