using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace CortexHub.Api;

/// <summary>
/// The web dashboard: static files embedded in this assembly (Dashboard/**), served at
/// /dashboard/ without authentication; the page itself asks for an API key and calls /api/v1.
/// </summary>
internal static class DashboardApi
{
    /// <summary>Manifest names are set to this prefix + the path under Dashboard/ (see the csproj).</summary>
    private const string ResourcePrefix = "Dashboard/";

    /// <summary>
    /// The page only loads its own files and calls its own origin (connect-src 'self' covers the
    /// terminal's ws:/wss: to it); output from nodes is untrusted text rendered as HTML, so scripts
    /// from anywhere else never run. Inline styles are allowed because xterm.js sizes and colours
    /// the terminal with &lt;style&gt; elements it writes at run time (it takes no nonce); scripts stay 'self' only.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Read once: the files are small and never change while the silo runs.</summary>
    private static readonly Lazy<FrozenDictionary<string, (byte[] Content, EntityTagHeaderValue ETag)>> Files = new(LoadFiles);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => TypedResults.Redirect("/dashboard/")).ExcludeFromDescription();
        endpoints.MapGet("/dashboard/{*file}", Serve).ExcludeFromDescription();
    }

    private static Results<FileContentHttpResult, RedirectHttpResult, NotFound> Serve(string? file, HttpContext http)
    {
        // The catch-all also matches "/dashboard"; relative URLs in index.html need the trailing slash.
        if (string.IsNullOrEmpty(file) && !http.Request.Path.Value!.EndsWith('/'))
        {
            return TypedResults.Redirect("/dashboard/");
        }

        var path = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (!ContentTypes.TryGetValue(Path.GetExtension(path), out var contentType) || !Files.Value.TryGetValue(path, out var entry))
        {
            return TypedResults.NotFound();
        }

        // no-cache: the browser revalidates each time (a 304 while the ETag matches), so a new
        // silo version is picked up at once.
        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.File(entry.Content, contentType, entityTag: entry.ETag);
    }

    private static FrozenDictionary<string, (byte[] Content, EntityTagHeaderValue ETag)> LoadFiles()
    {
        var assembly = typeof(DashboardApi).Assembly;
        var files = new Dictionary<string, (byte[], EntityTagHeaderValue)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
            files[name[ResourcePrefix.Length..].Replace('\\', '/')] = (content, etag); // RecursiveDir has backslashes on Windows
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
