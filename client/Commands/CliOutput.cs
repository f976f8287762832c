using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// The two consoles a command writes to: results on <see cref="Out"/> (stdout, kept clean for --json)
/// and diagnostics on <see cref="Error"/> (stderr). Injected so tests can capture both.
/// </summary>
public sealed class CliOutput(IAnsiConsole output, IAnsiConsole error)
{
    public IAnsiConsole Out { get; } = output;
    public IAnsiConsole Error { get; } = error;

    public void Fail(string message) => Error.MarkupLine($"[red]error:[/] {message.EscapeMarkup()}");

    public void Warn(string message) => Error.MarkupLine($"[yellow]warning:[/] {message.EscapeMarkup()}");

    public void Info(string message) => Error.MarkupLine($"[grey]{message.EscapeMarkup()}[/]");
}
