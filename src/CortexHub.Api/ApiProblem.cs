using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CortexHub.Api;

/// <summary>RFC 9457 problem details; every one carries an <c>errorId</c> that the silo's log also names.</summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string title, string? detail = null, string? errorId = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        problem.Extensions["errorId"] = errorId ?? ErrorId.New();
        return TypedResults.Problem(problem);
    }

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors, string? errorId = null)
    {
        var problem = new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = "See errors for each field.",
            Type = "https://httpstatuses.io/400",
        };
        problem.Extensions["errorId"] = errorId ?? ErrorId.New();
        return TypedResults.ValidationProblem(problem.Errors, problem.Detail, problem.Instance, problem.Title, problem.Type, problem.Extensions);
    }

    public static ValidationProblem Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string what) => Create(StatusCodes.Status404NotFound, $"{what} was not found.");

    public static ProblemHttpResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict.", detail);
}
