using System.Text;
using CortexHub.Grains.Users;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Api;

/// <summary>
/// Authenticates every /api/v1 request before anything of it is read or bound: <c>Authorization:
/// Bearer chk.…</c> (an API key), checked against the user's stored hash in constant time.
/// Failure is 401 with a problem body; the same answer for an unknown user, key or secret, a
/// malformed body or an unknown route. Admin-only pages a browser opens (the Orleans dashboard)
/// also take the key as the password of HTTP Basic, which the browser asks for and resends.
/// </summary>
internal sealed class ApiAuthentication(Orleans.IGrainFactory grains)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (AuthenticatesByFirstFrame(http))
        {
            await next(http);
            return;
        }

        var key = BearerKey(http);
        if (await AuthenticateAsync(key) is not { } user)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiProblem.Create(StatusCodes.Status401Unauthorized, "Authentication required.",
                key is null ? "Send an API key: Authorization: Bearer chk.<user>.<key id>.<secret>." : "The API key is not valid.").ExecuteAsync(http);
            return;
        }

        http.Items[typeof(ApiCaller)] = new ApiCaller(user.UserId, user.Role);
        await next(http);
    }

    /// <summary>Lets only admins through: 401 asking for Basic credentials (any user name, an admin API key as the password) otherwise.</summary>
    public async Task InvokeAdminOnlyAsync(HttpContext http, RequestDelegate next, string realm)
    {
        var key = BearerKey(http) ?? BasicPassword(http);
        var user = await AuthenticateAsync(key);
        if (user?.Role != UserRole.Admin)
        {
            http.Response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
            await ApiProblem.Create(StatusCodes.Status401Unauthorized, "Admin API key required.",
                user is null
                    ? "Sign in with any user name and an admin API key (chk.admin.<key id>.<secret>) as the password."
                    : "This page is for admins only.").ExecuteAsync(http);
            return;
        }

        http.Items[typeof(ApiCaller)] = new ApiCaller(user.UserId, user.Role);
        await next(http);
    }

    /// <summary>The caller an API key names, or null when it is not valid (for a WebSocket's first-frame authentication).</summary>
    public async Task<ApiCaller?> AuthenticateCallerAsync(string? key) =>
        await AuthenticateAsync(key) is { } user ? new ApiCaller(user.UserId, user.Role) : null;

    /// <summary>
    /// A WebSocket upgrade without an Authorization header to a route that authenticates by its first
    /// frame (browsers cannot set headers on a WebSocket): the route itself refuses it if no valid key comes.
    /// </summary>
    public static bool AuthenticatesByFirstFrame(HttpContext http) =>
        http.WebSockets.IsWebSocketRequest
        && !http.Request.Headers.ContainsKey("Authorization")
        && http.Request.Path.Value?.EndsWith("/attach", StringComparison.Ordinal) == true
        && http.Request.Path.StartsWithSegments("/api/v1/sessions");

    private async Task<UserSnapshot?> AuthenticateAsync(string? key) =>
        ApiKeys.TryParse(key, out var userId, out var keyId, out var secret)
            ? await grains.GetGrain<IUserGrain>(userId).AuthenticateAsync(keyId, secret)
            : null;

    private static string? BearerKey(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static string? BasicPassword(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(header[6..].Trim(), decoded, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(decoded[..length]);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : credentials[(colon + 1)..];
    }
}
