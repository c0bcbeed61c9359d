namespace CortexHub.Grains.Storage;

/// <summary>An item of a <see cref="GroupCommitQueue{T}"/>: how many rows it writes, and its commit signal.</summary>
internal interface IGroupCommitItem
{
    int Rows { get; }

    TaskCompletionSource Committed { get; }
}
