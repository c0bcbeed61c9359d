namespace CortexHub.Runtime.Storage;

public enum SiloStatus
{
    Active,
    Left,
    Dead,
}
