using CortexHub.Grains.Users;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Api;

/// <summary>
/// Authenticates every /api/v1 request before anything of it is read or bound: <c>Authorization:
/// Bearer chk.…</c> (an API key), checked against the user's stored hash in constant time.
/// Failure is 401 with a problem body; the same answer for an unknown user, key or secret, a
/// malformed body or an unknown route.
/// </summary>
internal sealed class ApiAuthentication(Orleans.IGrainFactory grains)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        UserSnapshot? user = null;
        if (ApiKeys.TryParse(key, out var userId, out var keyId, out var secret))
        {
            user = await grains.GetGrain<IUserGrain>(userId).AuthenticateAsync(keyId, secret);
        }

        if (user is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiProblem.Create(StatusCodes.Status401Unauthorized, "Authentication required.",
                key is null ? "Send an API key: Authorization: Bearer chk.<user>.<key id>.<secret>." : "The API key is not valid.").ExecuteAsync(http);
            return;
        }

        http.Items[typeof(ApiCaller)] = new ApiCaller(user.UserId, user.Role);
        await next(http);
    }
}
