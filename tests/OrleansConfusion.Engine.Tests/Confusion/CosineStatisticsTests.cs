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
    public void PaperProtocolMatchesTheBlockMeansOfPerSampleGradientsPairByPair()
    {
        // ⟨ḡ_I, ḡ_J⟩ is the block mean of the per-sample Gram (the oracle: one autograd pass per sample, in float64).
        // The sampler's draws are replayed from the same seed, so every pair the protocol measures is checked against
        // its own two batches, not against any pair that happens to match.
        using var generator = new Generator(8);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2, Activation = Activation.Tanh }, [5], 3, generator);
        using var scope = NewDisposeScope();
        const int n = 10, b = 3, pairs = 12;
        var x = randn([n, 5], generator: generator);
        var y = randint(0, 3, [n], generator: generator);
        var gram = PerSampleGram.Oracle(model, x, y);
        double Block(long[] a, long[] c) => a.Sum(i => c.Sum(j => gram[i, j]));

        var replay = new Random(21);
        var expected = new List<double>();
        for (int p = 0; p < pairs; p++)
        {
            long[] first = PaperProtocol.Sample(replay, n, b), second = PaperProtocol.Sample(replay, n, b);
            expected.Add(Block(first, second) / Math.Sqrt(Block(first, first) * Block(second, second)));
        }
        // The draws must make a test: distinct batches, and cosines of both signs or at least spread out.
        Assert.True(expected.Max() - expected.Min() > 0.1, $"the replayed pairs' cosines hardly differ: {string.Join(", ", expected)}");

        // One pair a call, from the same stream: each measured cosine against its own pair's.
        var random = new Random(21);
        for (int p = 0; p < pairs; p++)
        {
            var one = PaperProtocol.Measure(model, x, y, pairs: 1, batchSize: b, random, bins: 10);
            Assert.True(Math.Abs(one.Min - expected[p]) < 1e-5, $"pair {p}: measured {one.Min}, the oracle's {expected[p]}");
        }
        // All pairs in one call: the same statistics as the oracle's cosines give.
        var all = PaperProtocol.Measure(model, x, y, pairs, b, new Random(21), bins: 10);
        var oracle = CosineStatistics.From(expected, 10);
        Assert.Equal(oracle.Count, all.Count);
        foreach (var (name, got, want) in new[] { ("min", all.Min, oracle.Min), ("p05", all.P05, oracle.P05), ("median", all.Median, oracle.Median),
                     ("mean", all.Mean, oracle.Mean), ("fraction negative", all.FractionNegative, oracle.FractionNegative) })
            Assert.True(Math.Abs(got - want) < 1e-5, $"{name}: measured {got}, the oracle's {want}");
        // Bins compared exactly only because no cosine lies near a bin's edge (another CPU's roundoff cannot move one across).
        Assert.All(expected, c => Assert.True(Math.Abs(c * 5 - Math.Round(c * 5)) > 1e-4, $"cosine {c} lies at a bin edge"));
        Assert.Equal(oracle.Histogram, all.Histogram);
    }
}
