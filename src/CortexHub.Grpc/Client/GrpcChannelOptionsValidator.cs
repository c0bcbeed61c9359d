using Microsoft.Extensions.Options;

namespace CortexHub.Grpc;

/// <summary>Checks <see cref="GrpcChannelOptions"/>; <see cref="GrpcChannel.ForAddress(Uri, GrpcChannelOptions?)"/> runs it.</summary>
public sealed class GrpcChannelOptionsValidator : IValidateOptions<GrpcChannelOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrpcChannelOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReceiveMessageSize <= 0)
        {
            failures.Add($"{nameof(GrpcChannelOptions.MaxReceiveMessageSize)} must be positive (was {options.MaxReceiveMessageSize}).");
        }

        if (options.MaxSendMessageSize <= 0)
        {
            failures.Add($"{nameof(GrpcChannelOptions.MaxSendMessageSize)} must be positive (was {options.MaxSendMessageSize}).");
        }

        if (options.KeepAlivePingDelay is { } delay && delay <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(GrpcChannelOptions.KeepAlivePingDelay)} must be positive or null (was {delay}).");
        }

        if (options.KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(GrpcChannelOptions.KeepAlivePingTimeout)} must be positive (was {options.KeepAlivePingTimeout}).");
        }

        if (options.TimeProvider is null)
        {
            failures.Add($"{nameof(GrpcChannelOptions.TimeProvider)} is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
