using System.CommandLine;
using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Commands;

/// <summary>A command against a running cluster: it carries the cluster options and connects before it runs.</summary>
public abstract class ClusterCommand : BaseCommand
{
    readonly IClusterConnector _connector;

    protected ClusterCommand(string name, string description, IClusterConnector connector, CliOutput output)
        : base(name, description, output)
    {
        _connector = connector;
        Output = output;
        ClusterOptions.AddTo(this);
    }

    protected CliOutput Output { get; }

    protected ClusterOptionSet ClusterOptions { get; } = new();

    protected sealed override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (!ClusterOptions.TryGetTarget(parseResult, out var target, out string error))
        {
            Output.Fail(error);
            return ExitCodes.BadInput;
        }
        if (!TryPrepare(parseResult, out object? prepared, out int exitCode)) return exitCode;
        ClusterSession session;
        try
        {
            session = await _connector.ConnectAsync(target, cancellationToken);
        }
        catch (ClusterCertificateException e)
        {
            // An unreadable certificate, key or CA file is the user's input, found before any connection.
            Output.Fail(e.Message);
            return ExitCodes.BadInput;
        }
        await using var _ = session;
        return await ExecuteAsync(parseResult, session.Client, prepared, cancellationToken);
    }

    /// <summary>Work done before connecting, so a bad spec fails fast without a cluster; false with an exit code to stop.</summary>
    protected virtual bool TryPrepare(ParseResult parseResult, out object? prepared, out int exitCode)
    {
        (prepared, exitCode) = (null, ExitCodes.Ok);
        return true;
    }

    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, IClusterClient client, object? prepared, CancellationToken cancellationToken);
}
