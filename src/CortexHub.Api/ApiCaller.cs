using CortexHub.Grains.Users;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Api;

/// <summary>The authenticated caller of an API request.</summary>
public sealed record ApiCaller(string UserId, UserRole Role)
{
    public bool IsAdmin => Role == UserRole.Admin;

    /// <summary>True when the caller may see and act on something owned by <paramref name="owner"/>.</summary>
    public bool Owns(string? owner) => IsAdmin || owner == UserId;

    /// <summary>The owner filter for listings: null (everything) for admins, else the caller.</summary>
    public string? OwnerFilter => IsAdmin ? null : UserId;

    internal static ApiCaller From(HttpContext context) =>
        context.Items[typeof(ApiCaller)] as ApiCaller ?? throw new InvalidOperationException("The request was not authenticated.");
}
