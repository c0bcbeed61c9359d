using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Membership;

/// <summary>This silo's id, advertised address and start time, fixed for the life of the process.</summary>
public sealed class SiloIdentity(IOptions<SiloOptions> options, TimeProvider time)
{
    public string SiloId { get; } = string.IsNullOrWhiteSpace(options.Value.SiloId)
        ? $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}"
        : options.Value.SiloId;

    public string AdvertisedAddress { get; } = string.IsNullOrWhiteSpace(options.Value.AdvertisedAddress)
        ? Environment.MachineName.ToLowerInvariant()
        : options.Value.AdvertisedAddress;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}
