using MlLedger.Cli;

return await CliApp.InvokeAsync(args);
