namespace CortexHub;

/// <summary>
/// The database's schema does not match this binary: it was migrated by a newer CortexHub, or the
/// tables Orleans executes from were changed by hand. Nothing was changed by the failed start.
/// </summary>
public sealed class StorageSchemaException(string message) : Exception(message);
