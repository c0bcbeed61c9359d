using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>An admin sees and acts on everything; a user only on their own nodes, tasks and pool items.</summary>
[GenerateSerializer, Alias("cortexhub.UserRole")]
public enum UserRole
{
    User,
    Admin,
}
