using System.CommandLine;
using MlLedger.Cli;

var root = new RootCommand("mlledger: the signed audit ledger for ML governance")
{
    ServeCommand.Create(),
    TokenCommand.Create(),
    VerifyStreamCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
