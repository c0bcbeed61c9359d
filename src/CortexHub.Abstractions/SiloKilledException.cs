using Orleans;

namespace CortexHub;

/// <summary>The silo this call went to was killed (crash emulation in the TestCluster).</summary>
[GenerateSerializer, Alias("cortexhub.SiloKilledException")]
public sealed class SiloKilledException() : Exception("The silo was killed; its in-flight work is lost as in a process crash.");
