using System.CommandLine;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// The spec argument and the options that override spec fields, shared by `run` and `submit`.
/// Command-line options win over the spec.
/// </summary>
internal static class SpecOverrides
{
    public static Argument<string> SpecArgument() => new("spec") { Description = "Sweep spec (YAML); see examples/README.md" };

    public static Option<int?> MaxConcurrentOption()
    {
        var option = new Option<int?>("--max-concurrent") { Description = "At most N trials at once (overrides max_concurrent_trials; 0 = no limit)" };
        option.Validators.Add(r =>
        {
            // Read the token, not the value: a non-number already has its own parse error, and GetValue would throw.
            if (r.Tokens is [var t] && int.TryParse(t.Value, out int n) && n < 0) r.AddError("--max-concurrent must be >= 0");
        });
        return option;
    }

    /// <summary>A value is required (not a bare flag), so `--fuse-seeds maybe` is reported as a bad value of this option.</summary>
    public static Option<bool?> FuseSeedsOption() => new("--fuse-seeds")
    {
        Description = "Train a configuration's seeds as one fused model (overrides fuse_seeds; default: fused where the architecture allows, MLPs)",
        HelpName = "true|false",
        Arity = ArgumentArity.ExactlyOne,
    };

    /// <summary>What fusion does to a submitted sweep, in one line.</summary>
    public static string FusionLine(SweepSubmission s) =>
        $"{s.FusedTrials} of the {s.Trials} trials train as {s.FuseGroups} fuse group(s): a configuration's seeds as one model in one slot (fuse_seeds; --fuse-seeds false trains them alone)";

    /// <param name="local">
    /// True for `run`, whose embedded silo shares this machine: the output root is made absolute here. False for
    /// `submit`: the path goes to the silos as written, and they resolve it inside their own output base
    /// (a path made absolute on the client names a folder on the wrong machine).
    /// </param>
    public static SweepSpec Apply(SweepSpec spec, string? outputDirectory, int? maxConcurrent, bool? fuseSeeds, bool local)
    {
        string root = outputDirectory ?? spec.OutputDirectory;
        return spec with
        {
            OutputDirectory = local ? Path.GetFullPath(root) : root,
            MaxConcurrentTrials = maxConcurrent ?? spec.MaxConcurrentTrials,
            FuseSeeds = fuseSeeds ?? spec.FuseSeeds,
        };
    }
}
