using System.CommandLine;
using OrleansConfusion.Cli.Commands;

namespace OrleansConfusion.Cli;

/// <summary>Parses and invokes a command line; a syntax error is bad input (2), not the library's default 1.</summary>
public static class CliApp
{
    /// <summary>Ctrl-C cancels the action's token; the process waits this long for `run` to cancel and flush.</summary>
    public static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> InvokeAsync(ConfusionRootCommand root, string[] args, InvocationConfiguration? configuration = null,
        CancellationToken cancellationToken = default)
    {
        var parseResult = root.Parse(args);
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = TerminationTimeout };
        int code = await parseResult.InvokeAsync(configuration, cancellationToken);
        return parseResult.Errors.Count > 0 ? ExitCodes.BadInput : code;
    }
}
