using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Confusion;

public sealed class CosineStatisticsTests
{
    [Fact]
    public void SummaryMatchesBruteForce()
    {
        var random = new Random(3);
        var cosines = Enumerable.Range(0, 101).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var stats = CosineStatistics.From(cosines, 10);
        var sorted = cosines.Order().ToArray();
        Assert.Equal(sorted[0], stats.Min);
        Assert.Equal(sorted[50], stats.Median, 12);
        Assert.Equal(sorted[5], stats.P05, 12); // 0.05 * 100 = rank 5 exactly
        Assert.Equal(cosines.Average(), stats.Mean, 12);
        Assert.Equal(cosines.Count(c => c < 0) / 101.0, stats.FractionNegative, 12);
        Assert.Equal(101, stats.Histogram.Sum());
        for (int b = 0; b < 10; b++)
            Assert.Equal(cosines.Count(c => c >= -1 + 0.2 * b && (b == 9 ? c <= 1 : c < -1 + 0.2 * (b + 1))), stats.Histogram[b]);
    }

    [Fact]
    public void PerSampleStatisticsMatchExplicitGradients()
    {
        using var generator = new Generator(9);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2, Activation = Activation.Tanh }, [6], 3, generator);
        using var scope = NewDisposeScope();
        var x = randn([7, 6], generator: generator);
        var y = randint(0, 3, [7], generator: generator);
        var gram = PerSampleGram.Oracle(model, x, y);
        var stats = PerSampleStatistics.FromGram(gram, 20);

        var cosines = new List<double>();
        double minInner = double.MaxValue;
        for (int i = 0; i < 7; i++)
            for (int j = i + 1; j < 7; j++)
            {
                minInner = Math.Min(minInner, gram[i, j]);
                cosines.Add(gram[i, j] / Math.Sqrt(gram[i, i] * gram[j, j]));
            }
        Assert.Equal(21, stats.Cosines.Count);
        Assert.Equal(Math.Max(0, -minInner), stats.Eta, 12);
        Assert.Equal(cosines.Min(), stats.Cosines.Min, 12);
        Assert.Equal(Enumerable.Range(0, 7).Max(i => Math.Sqrt(gram[i, i])), stats.GradNormMax, 12);
    }

    [Fact]
    public void PaperProtocolOnIdenticalBatchesGivesCosineOne()
    {
        using var generator = new Generator(4);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2 }, [5], 3, generator);
        using var scope = NewDisposeScope();
        var x = randn([16, 5], generator: generator);
        var y = randint(0, 3, [16], generator: generator);
        // With B = N both mini-batches hold every sample, so their mean gradients are equal.
        var stats = PaperProtocol.Measure(model, x, y, pairs: 3, batchSize: 16, new Random(1), bins: 10);
        Assert.Equal(3, stats.Count);
        Assert.InRange(stats.Min, 1 - 1e-5, 1.0);
    }

    [Fact]
    public void PaperProtocolMatchesMeanOfPerSampleGradients()
    {
        // ⟨ḡ_I, ḡ_J⟩ is the block mean of the per-sample Gram; check one pair against it.
        using var generator = new Generator(8);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2, Activation = Activation.Tanh }, [5], 3, generator);
        using var scope = NewDisposeScope();
        var x = randn([4, 5], generator: generator);
        var y = randint(0, 3, [4], generator: generator);
        var gram = PerSampleGram.Oracle(model, x, y);
        // Batches {0,1} and {2,3} (B = 2 of N = 4): replay the sampler's choice by brute force.
        var stats = PaperProtocol.Measure(model, x, y, pairs: 1, batchSize: 2, new Random(21), bins: 10);
        var candidates = new List<double>();
        int[][] subsets = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
        foreach (var a in subsets)
            foreach (var b in subsets)
            {
                double ab = a.Sum(i => b.Sum(j => gram[i, j])), aa = a.Sum(i => a.Sum(j => gram[i, j])), bb = b.Sum(i => b.Sum(j => gram[i, j]));
                candidates.Add(ab / Math.Sqrt(aa * bb));
            }
        Assert.Contains(candidates, c => Math.Abs(c - stats.Min) < 1e-5);
    }
}
