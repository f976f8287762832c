using System.CommandLine;
using System.Text.Json;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Spec;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion submit`: validate a spec here, then hand it to a running cluster and return at once.</summary>
public sealed class SubmitCommand : ClusterCommand
{
    readonly SweepSpecLoader _loader;
    readonly Argument<string> _spec = SpecOverrides.SpecArgument();
    readonly Option<string?> _out = new("--out", "-o") { Description = "Root output directory as the silos see it (overrides output_dir)" };
    readonly Option<int?> _maxConcurrent = SpecOverrides.MaxConcurrentOption();
    readonly Option<bool?> _fuseSeeds = SpecOverrides.FuseSeedsOption();
    readonly Option<bool> _json = new("--json") { Description = "Print the submission as JSON" };

    public SubmitCommand(SweepSpecLoader loader, IClusterConnector connector, CliOutput output)
        : base("submit", "Validate a sweep spec and submit it to a running cluster; returns without waiting (follow with `watch`). " +
                         "Resubmitting the same spec is idempotent: finished trials are kept.", connector, output)
    {
        _loader = loader;
        Add(_spec);
        Add(_out);
        Add(_maxConcurrent);
        Add(_fuseSeeds);
        Add(_json);
    }

    protected override bool TryPrepare(ParseResult parseResult, out object? prepared, out int exitCode)
    {
        var loaded = _loader.Load(parseResult.GetRequiredValue(_spec));
        prepared = loaded;
        exitCode = loaded.IsValid ? ExitCodes.Ok : SpecErrorReport.Fail(Output, loaded, parseResult.GetValue(_json));
        return loaded.IsValid;
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, IClusterClient client, object? prepared, CancellationToken cancellationToken)
    {
        var loaded = (SpecLoadResult)prepared!;
        var spec = SpecOverrides.Apply(loaded.Spec!, parseResult.GetValue(_out), parseResult.GetValue(_maxConcurrent), parseResult.GetValue(_fuseSeeds), local: false);
        SpecErrorReport.PrintRejected(Output, loaded);
        SweepSubmission submission;
        try
        {
            submission = await client.GetGrain<ISweepCoordinatorGrain>(spec.Name).SubmitAsync(spec);
        }
        catch (SpecRejectedException e)
        {
            // Refused by the silo before anything was stored or written (for example an output_dir outside its base).
            string source = e.Field == OutputPathPolicy.Field && parseResult.GetValue(_out) is not null ? "--out" : Path.GetFileName(parseResult.GetRequiredValue(_spec));
            Output.Fail($"{source}: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (parseResult.GetValue(_json))
        {
            Output.Out.WriteLine(JsonSerializer.Serialize(submission, CliJsonContext.Default.SweepSubmission));
            return ExitCodes.Ok;
        }
        Output.Out.MarkupLine($"submitted [bold]{submission.SweepId.EscapeMarkup()}[/]: {submission.Trials} trial(s), " +
                              $"{submission.AlreadyFinished} already finished; output {submission.OutputDirectory.EscapeMarkup()}");
        if (submission.FuseGroups > 0) Output.Out.WriteLine(SpecOverrides.FusionLine(submission));
        Output.Out.MarkupLine($"follow it with: confusion watch {submission.SweepId.EscapeMarkup()} --cluster {parseResult.GetValue(ClusterOptions.Cluster).EscapeMarkup()}");
        return ExitCodes.Ok;
    }
}
