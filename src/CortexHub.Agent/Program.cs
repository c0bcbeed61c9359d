using CortexHub.Agent.Cli;

return await AgentCommand.RunAsync(args);
