using CortexHub.Grains.Limits;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

/// <summary>Limits and error reporting of the gRPC port (<c>CortexHub:Grpc</c>), applied to Grpc.AspNetCore's options.</summary>
public sealed class GrpcServerSettings
{
    public const string SectionName = "CortexHub:Grpc";

    /// <summary>Default message size limit, each way: 4 MiB, gRPC's usual default.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Largest message a node may send, in bytes; a larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Largest message the hub sends, in bytes.</summary>
    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// When true, a handler's unexpected exception shows its message to the caller next to the error
    /// id. Default false: callers see only the error id, which is in the log with the exception.
    /// </summary>
    public bool IncludeExceptionDetails { get; set; }
}

/// <summary>
/// Checks the limits, and that a dispatch the input limits accept can be sent: with a send limit below
/// <see cref="InputLimits.MaxNodeMessageBytes"/> an accepted task would fail on the wire and cut its
/// node off instead of being refused with 400 when it is created.
/// </summary>
internal sealed class GrpcServerSettingsValidator(IOptions<InputLimits> limits) : IValidateOptions<GrpcServerSettings>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerSettings options)
    {
        var errors = new List<string>();
        OptionChecks.Positive(errors, GrpcServerSettings.SectionName, nameof(options.MaxReceiveMessageSize), options.MaxReceiveMessageSize);
        OptionChecks.Positive(errors, GrpcServerSettings.SectionName, nameof(options.MaxSendMessageSize), options.MaxSendMessageSize);
        var largestDispatch = limits.Value.MaxNodeMessageBytes;
        if (options.MaxSendMessageSize > 0 && largestDispatch > options.MaxSendMessageSize)
        {
            errors.Add($"{InputLimits.SectionName}:{nameof(InputLimits.MaxNodeMessageBytes)} ({largestDispatch}) must not exceed " +
                $"{GrpcServerSettings.SectionName}:{nameof(options.MaxSendMessageSize)} ({options.MaxSendMessageSize}): the hub could not send such a dispatch.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
