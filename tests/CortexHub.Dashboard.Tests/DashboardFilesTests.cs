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
            ("/dashboard/sessions.js", "text/javascript"), ("/dashboard/sessionlink.js", "text/javascript"), ("/dashboard/terminalpanel.js", "text/javascript"),
            ("/dashboard/vendor/xterm/xterm.js", "text/javascript"), ("/dashboard/vendor/xterm/xterm.css", "text/css"),
            ("/dashboard/vendor/addon-fit/addon-fit.js", "text/javascript"),
        })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoCache, $"GET {path}: Cache-Control {response.Headers.CacheControl}");
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", policy);
            Assert.Contains("script-src 'self';", policy); // inline styles are allowed for xterm.js, inline scripts never

            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", await http.GetStringAsync("/dashboard/"));
        // no-cache revalidates: an unchanged file is a 304.
        var etag = (await http.GetAsync("/dashboard/app.js")).Headers.ETag;
        Assert.NotNull(etag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        revalidate.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(revalidate)).StatusCode);

        foreach (var path in new[]
        {
            "/dashboard/README.md", "/dashboard/nope.js", "/dashboard/../CortexHub.Api.dll", "/dashboard/%2e%2e/app.js",
            "/dashboard/vendor/update.sh", "/dashboard/vendor/xterm/LICENSE",
        })
        {
            Assert.True((await http.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, $"GET {path} should be 404");
        }
    }
}
