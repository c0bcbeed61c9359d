using Orleans;

namespace CortexHub;

/// <summary>
/// The storage backend could not be reached (connection refused, lost, or timed out).
/// Nothing was written by the failed operation; retrying once storage is back is safe.
/// </summary>
[GenerateSerializer, Alias("cortexhub.StorageUnavailableException")]
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
