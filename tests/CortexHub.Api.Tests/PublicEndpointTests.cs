using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>
/// The routes outside /api/v1 that need no key: health, readiness, the OpenAPI document and the
/// agent bundle (the dashboard's files are tested in CortexHub.Dashboard.Tests).
/// </summary>
public sealed class PublicEndpointTests
{
    [Fact]
    public async Task Readyz_ReadyWhileStorageAnswers_503ProblemWhileItDoesNot_HealthzStaysOk()
    {
        var outage = new StorageOutage();
        await using var cluster = await ApiFixture.StartAsync(configure: outage.Install);
        using var http = cluster.Client(null);
        Assert.Equal("ready", await http.GetStringAsync("/readyz"));

        outage.IsDown = true;
        var down = await http.GetAsync("/readyz");
        var alive = await http.GetAsync("/healthz");
        outage.IsDown = false;

        await down.AssertProblemAsync(503);
        Assert.Equal("ok", await alive.Content.ReadAsStringAsync()); // liveness does not depend on storage
        Assert.Equal("ready", await http.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task OpenApi_DocumentsEveryApiRoute_UnknownDocumentIs404()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var http = cluster.Client(null);

        var paths = (await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!["paths"]!.AsObject();
        foreach (var route in ApiFixture.ApiRoutes)
        {
            var (method, path) = (route[..route.IndexOf(' ')].ToLowerInvariant(), route[(route.IndexOf(' ') + 1)..]);
            var item = paths[path] ?? paths[path + "/"];
            Assert.True(item?[method] is not null, $"{route} is not in the OpenAPI document");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/openapi/v2.json")).StatusCode);
    }

    [Fact]
    public async Task AgentBundle_IsTheAgentFolderAsGzippedTar_WithoutAKey()
    {
        var folder = Directory.CreateTempSubdirectory("cortexhub-agent-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "cortex-agent.dll"), "not really an assembly");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "cortex-agent.runtimeconfig.json"), "{}");
            await using var cluster = await ApiFixture.StartAsync(configure: o => o.Configuration["CortexHub:Api:AgentDirectory"] = folder.FullName);

            var response = await cluster.Client(null).GetAsync("/agent/cortex-agent.tar.gz");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("cortex-agent.tar.gz", response.Content.Headers.ContentDisposition?.FileName);
            var files = new Dictionary<string, string>();
            await using var tar = new TarReader(new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress));
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    files[entry.Name.TrimStart('.', '/')] = await new StreamReader(data).ReadToEndAsync();
                }
            }

            Assert.Equal("not really an assembly", files["cortex-agent.dll"]);
            Assert.Equal("{}", files["cortex-agent.runtimeconfig.json"]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AgentBundle_WithoutTheAgent_Is404ProblemNamingTheFolder()
    {
        var folder = Directory.CreateTempSubdirectory("cortexhub-agent-");
        try
        {
            await using var cluster = await ApiFixture.StartAsync(configure: o => o.Configuration["CortexHub:Api:AgentDirectory"] = folder.FullName);

            var problem = await (await cluster.Client(null).GetAsync("/agent/cortex-agent.tar.gz")).AssertProblemAsync(404);

            Assert.Contains(folder.FullName, problem["detail"]!.GetValue<string>());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
