return await CortexHub.Hosting.SiloProgram.RunAsync(args);
