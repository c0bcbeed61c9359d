using System.Formats.Tar;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>
/// <c>GET /agent/cortex-agent.tar.gz</c>: the reference agent bundled with the silo (its
/// <c>agent/</c> folder, or <see cref="ApiOptions.AgentDirectory"/>), packed once and cached. No
/// authentication: the binary is not a secret, the token in the provisioning script is.
/// </summary>
public sealed class AgentArchive(IOptions<ApiOptions> options)
{
    private readonly Lazy<byte[]?> _archive = new(() => Pack(options.Value.AgentDirectory ?? Path.Combine(AppContext.BaseDirectory, "agent")));


    /// <summary>Where the bundle is served (provisioning scripts download it from here).</summary>
    public const string Route = "/agent/cortex-agent.tar.gz";

    public string Directory => options.Value.AgentDirectory ?? Path.Combine(AppContext.BaseDirectory, "agent");

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, (AgentArchive archive) => archive._archive.Value is { } bytes
            ? Results.File(bytes, "application/gzip", "cortex-agent.tar.gz")
            : (IResult)ApiProblem.Create(StatusCodes.Status404NotFound, "This hub has no agent bundle.",
                $"No cortex-agent.dll under {archive.Directory}; build the silo project (it bundles the agent) or set {ApiOptions.SectionName}:AgentDirectory."))
        .ExcludeFromDescription();

    private static byte[]? Pack(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "cortex-agent.dll")))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            TarFile.CreateFromDirectory(directory, gzip, includeBaseDirectory: false);
        }

        return buffer.ToArray();
    }
}
