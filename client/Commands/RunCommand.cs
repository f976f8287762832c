using System.CommandLine;
using System.Text.Json;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Spec;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// `confusion run`: validate the spec, start an embedded silo, submit, follow progress, print the
/// summary. Ctrl-C cancels the sweep, waits for the coordinator to write what finished, exits 130.
/// </summary>
public sealed class RunCommand : BaseCommand
{
    /// <summary>How long Ctrl-C waits for the cancelled sweep to flush its output before giving up.</summary>
    public static readonly TimeSpan CancelFlushTimeout = TimeSpan.FromSeconds(20);

    readonly SweepSpecLoader _loader;
    readonly IEmbeddedClusterFactory _clusters;
    readonly SweepFollower _follower;
    readonly CliOutput _output;

    readonly Argument<string> _spec = SpecOverrides.SpecArgument();
    readonly Option<string?> _out = new("--out", "-o") { Description = "Root output directory (overrides output_dir); results go to DIR/<sweep>/" };
    readonly Option<int?> _maxConcurrent = SpecOverrides.MaxConcurrentOption();
    readonly Option<bool?> _fuseSeeds = SpecOverrides.FuseSeedsOption();
    readonly Option<bool> _json = new("--json") { Description = "Print the outcome as JSON on stdout instead of progress and tables" };

    public RunCommand(SweepSpecLoader loader, IEmbeddedClusterFactory clusters, SweepFollower follower, CliOutput output)
        : base("run", "Run a sweep in this process (embedded silo): validate, train, write Parquet, print a summary. " +
                      "Rerunning the same command resumes: finished trials are skipped.", output)
    {
        (_loader, _clusters, _follower, _output) = (loader, clusters, follower, output);
        Add(_spec);
        Add(_out);
        Add(_maxConcurrent);
        Add(_fuseSeeds);
        Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        bool json = parseResult.GetValue(_json);
        if (!_clusters.IsAvailable)
        {
            _output.Fail(NoEngineClusterFactory.Message);
            return ExitCodes.BadInput;
        }
        var loaded = _loader.Load(parseResult.GetRequiredValue(_spec));
        if (!loaded.IsValid) return SpecErrorReport.Fail(_output, loaded, json);
        var spec = SpecOverrides.Apply(loaded.Spec!, parseResult.GetValue(_out), parseResult.GetValue(_maxConcurrent), parseResult.GetValue(_fuseSeeds), local: true);
        SpecErrorReport.PrintRejected(_output, loaded);
        _output.Info($"sweep {spec.Name}: {loaded.Trials} trial(s); output {Path.Combine(spec.OutputDirectory, spec.Name)}");

        await using var session = await _clusters.StartAsync(cancellationToken);
        var coordinator = session.Client.GetGrain<ISweepCoordinatorGrain>(spec.Name);
        var submission = await coordinator.SubmitAsync(spec);
        if (submission.FuseGroups > 0) _output.Info(SpecOverrides.FusionLine(submission));
        if (submission.AlreadyFinished > 0)
            _output.Info($"{submission.AlreadyFinished} already finished, {submission.Trials - submission.AlreadyFinished} to run");

        return await _follower.FollowToEndAsync(coordinator, submission, json, loaded.Rejected, cancelOnInterrupt: true, cancellationToken);
    }
}
