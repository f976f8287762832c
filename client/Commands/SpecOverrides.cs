using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>Command-line options win over the spec; the output root is made absolute so messages show where files went.</summary>
internal static class SpecOverrides
{
    public static SweepSpec Apply(SweepSpec spec, string? outputDirectory, int? maxConcurrent) => spec with
    {
        OutputDirectory = Path.GetFullPath(outputDirectory ?? spec.OutputDirectory),
        MaxConcurrentTrials = maxConcurrent ?? spec.MaxConcurrentTrials,
    };
}
