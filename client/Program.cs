using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli;
using OrleansConfusion.Cli.Commands;
using Spectre.Console;

var output = AnsiConsole.Console;
var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
// Redirected output has no terminal width; Spectre's 80-column default would wrap messages mid-path.
if (Console.IsOutputRedirected) output.Profile.Width = 160;
if (Console.IsErrorRedirected) error.Profile.Width = 1000;
var services = new ServiceCollection().AddConfusionCli(output, error);
await using var provider = services.BuildServiceProvider();
return await CliApp.InvokeAsync(provider.GetRequiredService<ConfusionRootCommand>(), args);
