using System.CommandLine;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// The spec argument and the options that override spec fields, shared by `run` and `submit`.
/// Command-line options win over the spec; the output root is made absolute so messages show where files went.
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

    public static SweepSpec Apply(SweepSpec spec, string? outputDirectory, int? maxConcurrent) => spec with
    {
        OutputDirectory = Path.GetFullPath(outputDirectory ?? spec.OutputDirectory),
        MaxConcurrentTrials = maxConcurrent ?? spec.MaxConcurrentTrials,
    };
}
