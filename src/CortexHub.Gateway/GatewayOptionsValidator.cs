using CortexHub.Grains.Nodes;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

/// <summary>
/// Checks the stream settings, and that the heartbeat interval fits the presence TTL: a beat is
/// written at the silo's next flush, so a node beating on time was last seen up to one interval plus
/// one flush ago. With a TTL not longer than that, nodes would show offline between their beats.
/// </summary>
internal sealed class GatewayOptionsValidator(IOptions<NodeOptions> nodes) : IValidateOptions<GatewayOptions>
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
        var (ttl, flush) = (nodes.Value.HeartbeatTtl, nodes.Value.HeartbeatFlushInterval);
        if (ttl <= options.NodeHeartbeatInterval + flush)
        {
            errors.Add($"{NodeOptions.SectionName}:{nameof(NodeOptions.HeartbeatTtl)} ({ttl}) must be longer than " +
                $"{section}:{nameof(options.NodeHeartbeatInterval)} ({options.NodeHeartbeatInterval}) + " +
                $"{NodeOptions.SectionName}:{nameof(NodeOptions.HeartbeatFlushInterval)} ({flush}): nodes beating on time would show offline between beats.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
