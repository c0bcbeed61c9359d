using CortexHub.Cli;

return await CortexApp.MainAsync(args);
