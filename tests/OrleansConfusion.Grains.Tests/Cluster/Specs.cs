using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Small sweep specs: widths × seeds trials of a sphere MLP.</summary>
public static class Specs
{
    /// <summary>Seeds train alone unless <paramref name="fuse"/>: most cluster tests count trials against slots.</summary>
    public static SweepSpec Fake(string name, string outputRoot, int widths, int seeds, int maxConcurrent = 0, bool fuse = false) => new()
    {
        FuseSeeds = fuse,
        Name = name,
        OutputDirectory = outputRoot,
        Grid = new GridSpec { Architectures = ["mlp"], Widths = Enumerable.Range(1, widths).Select(w => w * 8).ToArray(), Depths = [1] },
        Seeds = Enumerable.Range(0, seeds).Select(s => (long)s).ToArray(),
        MaxConcurrentTrials = maxConcurrent,
    };

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
