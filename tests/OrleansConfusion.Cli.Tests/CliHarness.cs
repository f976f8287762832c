using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Commands;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// The CLI as Program composes it, with both consoles captured, invoked in-process. Wide consoles keep
/// Spectre from wrapping the messages the tests look for.
/// </summary>
public sealed class CliHarness
{
    public TestConsole Out { get; } = new();
    public TestConsole Error { get; } = new();

    public CliHarness()
    {
        Out.Profile.Width = 400;
        Error.Profile.Width = 400;
    }

    public async Task<int> InvokeAsync(params string[] args)
    {
        await using var provider = new ServiceCollection().AddConfusionCli(Out, Error).BuildServiceProvider();
        return await CliApp.InvokeAsync(provider.GetRequiredService<ConfusionRootCommand>(), args);
    }

    public string Stdout => Out.Output;
    public string Stderr => Error.Output;
}
