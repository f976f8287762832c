using System.CommandLine;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion`: the root, with its subcommands injected (Aspire's RootCommand pattern).</summary>
public sealed class ConfusionRootCommand : RootCommand
{
    public ConfusionRootCommand(RunCommand run, SubmitCommand submit, StatusCommand status, WatchCommand watch,
        CancelCommand cancel, ResultsCommand results, LogsCommand logs, Report.ReportCommand report)
        : base("Train sweeps of networks on an Orleans cluster and measure gradient confusion. " + ExitCodes.HelpText)
    {
        Add(run);
        Add(submit);
        Add(status);
        Add(watch);
        Add(cancel);
        Add(results);
        Add(logs);
        Add(report);
    }
}
