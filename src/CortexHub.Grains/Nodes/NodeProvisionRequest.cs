namespace CortexHub.Grains.Nodes;

public sealed record NodeProvisionRequest(string Name, string Owner, IReadOnlyDictionary<string, string>? Labels = null);
