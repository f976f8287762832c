using Microsoft.Extensions.DependencyInjection;
using OrleansConfusion.Cli.Commands;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// The CLI as Program composes it, with both consoles captured, invoked in-process. Wide consoles keep
/// Spectre from wrapping the messages the tests look for.
/// </summary>
public sealed class CliHarness(Action<IServiceCollection>? configure = null)
{
    public TestConsole Out { get; } = Wide();
    public TestConsole Error { get; } = Wide();

    public async Task<int> InvokeAsync(params string[] args)
    {
        var services = new ServiceCollection().AddConfusionCli(Out, Error);
        // Registered last, so a test's replacement (a connector to an in-process cluster) wins.
        configure?.Invoke(services);
        await using var provider = services.BuildServiceProvider();
        return await CliApp.InvokeAsync(provider.GetRequiredService<ConfusionRootCommand>(), args);
    }

    static TestConsole Wide()
    {
        var console = new TestConsole();
        console.Profile.Width = 400;
        return console;
    }

    public string Stdout => Out.Output;
    public string Stderr => Error.Output;
}
