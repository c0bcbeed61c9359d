namespace CortexHub.Hosting;

/// <summary>Process exit codes of <c>cortexhub-silo</c>, documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int StorageUnavailable = 2;
    public const int InvalidConfiguration = 3;
    public const int StorageSchemaMismatch = 4;
}
