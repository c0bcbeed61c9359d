using CortexHub.Grains.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CortexHub.Api;

/// <summary>/api/v1/me and /api/v1/users (admins create users; each new key is shown once).</summary>
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
        api.MapPost("/me/keys", CreateKeyAsync).WithTags("users");
        api.MapPost("/users", CreateAsync).WithTags("users");
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
