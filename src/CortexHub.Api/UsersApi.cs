using CortexHub.Grains.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CortexHub.Api;

/// <summary>
/// /api/v1/me and /api/v1/users: admins create, disable and enable users; everyone adds, lists and
/// revokes their own keys (admins anyone's). Each new key is shown once; a list never shows a secret.
/// </summary>
internal static class UsersApi
{
    /// <summary>The longest key label or user name (both kept in the user's state).</summary>
    public const int MaxTextLength = 128;

    public sealed record CreateUserRequest(string? Id, string? Name, string? Role);

    public sealed record CreatedUser(UserSnapshot User, string ApiKey);

    public sealed record CreateKeyRequest(string? Label);

    public sealed record CreatedKey(string UserId, string ApiKey);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/me", async (HttpContext http, Orleans.IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IUserGrain>(ApiCaller.From(http).UserId).GetAsync())).WithTags("users");
        api.MapPost("/me/keys", CreateKeyAsync).CarriesSecret().WithTags("users");
        api.MapGet("/me/keys", (HttpContext http, Orleans.IGrainFactory grains) => ListKeysAsync(ApiCaller.From(http).UserId, http, grains)).WithTags("users");
        api.MapDelete("/me/keys/{keyId}", (string keyId, HttpContext http, Orleans.IGrainFactory grains) => RevokeKeyAsync(ApiCaller.From(http).UserId, keyId, http, grains)).WithTags("users");
        api.MapPost("/users", CreateAsync).CarriesSecret().WithTags("users");
        api.MapGet("/users/{id}/keys", ListKeysAsync).WithTags("users");
        api.MapDelete("/users/{id}/keys/{keyId}", RevokeKeyAsync).WithTags("users");
        api.MapPost("/users/{id}/disable", (string id, HttpContext http, Orleans.IGrainFactory grains) => SetDisabledAsync(id, true, http, grains)).WithTags("users");
        api.MapPost("/users/{id}/enable", (string id, HttpContext http, Orleans.IGrainFactory grains) => SetDisabledAsync(id, false, http, grains)).WithTags("users");
    }

    private static async Task<Results<Ok<CreatedKey>, ValidationProblem>> CreateKeyAsync(CreateKeyRequest? request, HttpContext http, Orleans.IGrainFactory grains)
    {
        // The label is kept in the user's state beside every key, so it is bounded like node labels.
        if (request?.Label is { Length: > MaxTextLength })
        {
            return ApiProblem.Field("label", $"At most {MaxTextLength} characters.");
        }

        var caller = ApiCaller.From(http);
        return TypedResults.Ok(new CreatedKey(caller.UserId, await grains.GetGrain<IUserGrain>(caller.UserId).CreateKeyAsync(request?.Label ?? "key")));
    }

    private static async Task<Results<Ok<ApiKeyInfo[]>, ProblemHttpResult>> ListKeysAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        var (user, problem) = await FindAsync(id, http, grains);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(await user!.ListKeysAsync());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(string id, string keyId, HttpContext http, Orleans.IGrainFactory grains)
    {
        var (user, problem) = await FindAsync(id, http, grains);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return await user!.RevokeKeyAsync(keyId) ? TypedResults.NoContent() : ApiProblem.NotFound($"Key '{keyId}' of user '{id}'");
        }
        catch (InvalidOperationException last)
        {
            return ApiProblem.Conflict(last.Message);
        }
    }

    private static async Task<Results<Ok<UserSnapshot>, ProblemHttpResult>> SetDisabledAsync(string id, bool disabled, HttpContext http, Orleans.IGrainFactory grains)
    {
        var caller = ApiCaller.From(http);
        if (!caller.IsAdmin)
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, "Only admins disable or enable users.");
        }

        if (id == caller.UserId)
        {
            return ApiProblem.Conflict("Admins cannot disable or enable themselves (it could leave the hub without an admin).");
        }

        var (user, problem) = await FindAsync(id, http, grains);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(await user!.SetDisabledAsync(disabled));
    }

    /// <summary>The user the caller may manage: themselves, or anyone for an admin (403 for others' users, 404 when there is no such user).</summary>
    private static async Task<(IUserGrain? User, ProblemHttpResult? Problem)> FindAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        var caller = ApiCaller.From(http);
        if (!caller.IsAdmin && id != caller.UserId)
        {
            return (null, ApiProblem.Create(StatusCodes.Status403Forbidden, "Only admins manage other users' keys."));
        }

        var user = ApiKeys.IsValidUserId(id) ? grains.GetGrain<IUserGrain>(id) : null;
        return user is not null && (await user.GetAsync()).Exists ? (user, null) : (null, ApiProblem.NotFound($"User '{id}'"));
    }

    private static async Task<Results<Created<CreatedUser>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateUserRequest request, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (!ApiCaller.From(http).IsAdmin)
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, "Only admins create users.");
        }

        var errors = new Dictionary<string, string[]>();
        if (!ApiKeys.IsValidUserId(request.Id))
        {
            errors["id"] = ["Required: 1 to 64 of a-z, 0-9, '-' and '_'."];
        }

        if (request.Name is { Length: > MaxTextLength })
        {
            errors["name"] = [$"At most {MaxTextLength} characters."];
        }

        UserRole role = UserRole.User;
        if (request.Role is not null && (!Enum.TryParse(request.Role, ignoreCase: true, out role) || int.TryParse(request.Role, out _)))
        {
            errors["role"] = ["Must be admin or user."];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        var user = grains.GetGrain<IUserGrain>(request.Id!);
        try
        {
            var key = await user.CreateAsync(request.Name ?? request.Id!, role);
            return TypedResults.Created($"/api/v1/users/{request.Id}", new CreatedUser(await user.GetAsync(), key));
        }
        catch (InvalidOperationException)
        {
            return ApiProblem.Conflict($"User '{request.Id}' already exists.");
        }
    }
}
