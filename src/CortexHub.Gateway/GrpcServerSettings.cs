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

internal sealed class GrpcServerSettingsValidator : IValidateOptions<GrpcServerSettings>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerSettings options)
    {
        var errors = new List<string>();
        OptionChecks.Positive(errors, GrpcServerSettings.SectionName, nameof(options.MaxReceiveMessageSize), options.MaxReceiveMessageSize);
        OptionChecks.Positive(errors, GrpcServerSettings.SectionName, nameof(options.MaxSendMessageSize), options.MaxSendMessageSize);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
