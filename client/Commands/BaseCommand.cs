using System.CommandLine;
using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// A subcommand whose action is <see cref="ExecuteAsync"/>, returning one of <see cref="ExitCodes"/>
/// (the Aspire CLI's BaseCommand pattern). Failures every command shares are mapped here once:
/// an unreachable cluster is 3, Ctrl-C is 130, anything else unexpected is 1 with its message.
/// </summary>
public abstract class BaseCommand : Command
{
    readonly CliOutput _output;

    protected BaseCommand(string name, string description, CliOutput output) : base(name, description)
    {
        _output = output;
        SetAction(InvokeAsync);
    }

    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);

    async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(parseResult, cancellationToken);
        }
        catch (ClusterUnreachableException e)
        {
            _output.Fail(e.Message);
            return ExitCodes.ClusterUnreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _output.Warn("interrupted");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _output.Fail($"{e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
