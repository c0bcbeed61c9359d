using System.Security.Claims;
using CortexHub.Grains.Users;

namespace CortexHub.Api.Mcp;

/// <summary>
/// The API caller carried as the request's user, so the MCP SDK hands it to every tool and binds a
/// session to the user who opened it (a request with another user's key cannot use that session).
/// </summary>
internal static class McpCaller
{
    private const string AuthenticationType = "CortexHubApiKey";

    public static ClaimsPrincipal Principal(ApiCaller caller) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, caller.UserId), new Claim(ClaimTypes.Name, caller.UserId), new Claim(ClaimTypes.Role, caller.Role.ToString())],
            AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The caller /mcp authenticated; throws when the request did not come through that authentication.</summary>
    public static ApiCaller From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: AuthenticationType }
            || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId
            || !Enum.TryParse<UserRole>(user.FindFirstValue(ClaimTypes.Role), out var role))
        {
            throw new InvalidOperationException("The MCP request was not authenticated.");
        }

        return new ApiCaller(userId, role);
    }
}
