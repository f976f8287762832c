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

    /// <summary>A tiny sphere MLP sweep for the real trainer: 2 epochs of 256 samples, every measurement on, small.</summary>
    public static SweepSpec RealSphere(string name, string outputRoot, int[] widths, int depth, long[] seeds) => new()
    {
        Name = name,
        OutputDirectory = outputRoot,
        Dataset = new DatasetSpec { Name = "sphere", SphereDimension = 8, SphereTrainSamples = 256, SphereTestSamples = 64, SphereClasses = 4 },
        Grid = new GridSpec { Architectures = ["mlp"], Widths = widths, Depths = [depth], Inits = ["he_normal"] },
        Seeds = seeds,
        Training = new TrainingSpec { LearningRate = 0.1, BatchSize = 32, Epochs = 2 },
        Measurement = new MeasurementSpec { PaperPairs = 4, PaperBatch = 16, PerSampleM = 8, EvalSubset = 64, HistogramBins = 10 },
    };

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
