using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        const string section = GatewayOptions.SectionName;
        OptionChecks.Positive(errors, section, nameof(options.HelloTimeout), options.HelloTimeout);
        OptionChecks.Positive(errors, section, nameof(options.NodeHeartbeatInterval), options.NodeHeartbeatInterval);
        OptionChecks.Positive(errors, section, nameof(options.OutboxPollInterval), options.OutboxPollInterval);
        OptionChecks.Positive(errors, section, nameof(options.InboundEventCapacity), options.InboundEventCapacity);
        OptionChecks.Positive(errors, section, nameof(options.OutboundCapacity), options.OutboundCapacity);
        OptionChecks.Positive(errors, section, nameof(options.MaxEventsPerBatch), options.MaxEventsPerBatch);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
