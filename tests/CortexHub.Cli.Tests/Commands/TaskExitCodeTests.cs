using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Commands;

namespace CortexHub.Cli.Tests.Commands;

/// <summary>A finished task's state and code become the CLI's exit code.</summary>
public sealed class TaskExitCodeTests
{
    [Theory]
    [InlineData("succeeded", 0, 0)]
    [InlineData("failed", 3, 3)]
    [InlineData("failed", null, 1)]
    [InlineData("failed", 300, 1)]
    [InlineData("failed", -9, 1)]
    [InlineData("lost", null, 1)]
    [InlineData("timedOut", null, 124)]
    [InlineData("timedOut", 137, 124)]
    [InlineData("cancelled", 143, 130)]
    public void For_StateAndCode_GivesTheDocumentedExitCode(string state, int? exitCode, int expected) =>
        Assert.Equal(expected, TaskExitCode.For(new TaskEnd("t", state, exitCode)));
}
