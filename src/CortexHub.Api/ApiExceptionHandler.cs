using CortexHub.Grains;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CortexHub.Api;

/// <summary>
/// Turns what an endpoint throws into a problem response: bad input 400 (fields named), a wrong
/// state 409, storage down or a grain's silo just lost 503 (with Retry-After), anything else 500. Each carries an error id, logged with the exception.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var errorId = ErrorId.New();
        IResult result = exception switch
        {
            InvalidRequestException invalid => ApiProblem.Validation(invalid.Errors, errorId),
            BadHttpRequestException bad => ApiProblem.Create(StatusCodes.Status400BadRequest, "The request could not be read.", bad.Message, errorId),
            ArgumentException argument => ApiProblem.Create(StatusCodes.Status400BadRequest, "The request is invalid.", argument.Message, errorId),
            InvalidTaskTransitionException or InvalidOperationException => ApiProblem.Create(StatusCodes.Status409Conflict, "Conflict.", exception.Message, errorId),
            StorageUnavailableException => ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable; retry shortly.", null, errorId),

            // A grain whose silo just died answers again once the cluster has declared that silo dead
            // (seconds); a call in flight to it times out after the short ResponseTimeout.
            Orleans.Runtime.SiloUnavailableException or TimeoutException => ApiProblem.Create(StatusCodes.Status503ServiceUnavailable,
                "A silo of the cluster is failing over; retry shortly.", null, errorId),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null!,
            _ => ApiProblem.Create(StatusCodes.Status500InternalServerError, "Internal error.", $"Quote error id {errorId} when reporting this.", errorId),
        };

        if (result is null)
        {
            return true; // the client went away
        }

        if (result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { StatusCode: StatusCodes.Status503ServiceUnavailable })
        {
            context.Response.Headers.RetryAfter = "2";
        }

        if (exception is StorageUnavailableException || result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { StatusCode: >= 500 })
        {
            LogFailed(exception, context.Request.Method, context.Request.Path, errorId);
        }

        await result.ExecuteAsync(context);
        return true;
    }

    [LoggerMessage(6001, LogLevel.Error, "{Method} {Path} failed (error id {ErrorId})")]
    private partial void LogFailed(Exception exception, string method, string path, string errorId);
}
