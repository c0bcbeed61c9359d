using CortexHub.Silo;

return await SiloProgram.RunAsync(args, app =>
{
    app.MapHealthApi();
});
