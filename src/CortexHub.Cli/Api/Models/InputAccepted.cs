namespace CortexHub.Cli.Api.Models;

/// <summary>202 of POST …/input: the byte offset the accepted bytes start at, and how many there were.</summary>
public sealed record InputAccepted(long Offset, int Bytes);
