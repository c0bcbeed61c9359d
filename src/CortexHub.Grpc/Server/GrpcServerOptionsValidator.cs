using Microsoft.Extensions.Options;

namespace CortexHub.Grpc;

/// <summary>Checks <see cref="GrpcServerOptions"/> at start-up.</summary>
public sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReceiveMessageSize <= 0)
        {
            failures.Add($"{nameof(GrpcServerOptions.MaxReceiveMessageSize)} must be positive (was {options.MaxReceiveMessageSize}).");
        }

        if (options.MaxSendMessageSize <= 0)
        {
            failures.Add($"{nameof(GrpcServerOptions.MaxSendMessageSize)} must be positive (was {options.MaxSendMessageSize}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
