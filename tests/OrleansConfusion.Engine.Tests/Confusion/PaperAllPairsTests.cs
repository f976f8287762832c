using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Confusion;

/// <summary>The all-pairs paper protocol against block means of the per-sample oracle, held whole or in blocks.</summary>
public sealed class PaperAllPairsTests
{
    [Fact]
    public void Cosines_equal_block_means_of_the_per_sample_oracle()
    {
        using var generator = new Generator(11);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2, Activation = Activation.Tanh }, [5], 3, generator);
        using var scope = NewDisposeScope();
        var x = randn([10, 5], generator: generator);
        var y = randint(0, 3, [10], generator: generator);
        long[][] draws = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 5], [2, 4, 6]];

        var stats = PaperProtocol.MeasureAllPairs(model, x, y, draws, bins: 10);

        // ⟨ḡ_I, ḡ_J⟩ = Σ_{i∈I, j∈J} G_ij / (|I||J|): an independent path through M single-sample backward passes.
        var gram = PerSampleGram.Oracle(model, x, y);
        double Inner(long[] a, long[] b) => a.Sum(i => b.Sum(j => gram[i, j])) / (a.Length * b.Length);
        var expected = new List<double>();
        for (int i = 0; i < draws.Length; i++)
        for (int j = i + 1; j < draws.Length; j++)
            expected.Add(Inner(draws[i], draws[j]) / Math.Sqrt(Inner(draws[i], draws[i]) * Inner(draws[j], draws[j])));
        var oracle = CosineStatistics.From(expected, 10);

        Assert.Equal(10, stats.Count);
        Assert.Equal(oracle.Min, stats.Min, 5);
        Assert.Equal(oracle.P05, stats.P05, 5);
        Assert.Equal(oracle.Median, stats.Median, 5);
        Assert.Equal(oracle.Mean, stats.Mean, 5);
        Assert.Equal(oracle.FractionNegative, stats.FractionNegative);
        Assert.Equal(oracle.Histogram, stats.Histogram);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Blocks_under_a_small_gradient_budget_give_the_same_statistics(int blockRows)
    {
        using var generator = new Generator(5);
        using var model = ModelFactory.Create(new ModelConfig { Width = 16, Depth = 2 }, [6], 4, generator);
        using var scope = NewDisposeScope();
        var x = randn([64, 6], generator: generator);
        var y = randint(0, 4, [64], generator: generator);
        long parameterBytes = ModelFactory.ParameterCount(model) * sizeof(float);

        var whole = PaperProtocol.MeasureAllPairs(model, x, y, batches: 8, batchSize: 16, new Random(3), bins: 20);
        var blocked = PaperProtocol.MeasureAllPairs(model, x, y, batches: 8, batchSize: 16, new Random(3), bins: 20, gradientBudgetBytes: blockRows * parameterBytes);

        Assert.Equal(28, whole.Count);
        Assert.Equal(whole.Count, blocked.Count);
        Assert.Equal(whole.Min, blocked.Min, 6);
        Assert.Equal(whole.Median, blocked.Median, 6);
        Assert.Equal(whole.Mean, blocked.Mean, 6);
        Assert.Equal(whole.Histogram, blocked.Histogram);
    }

    [Fact]
    public void Identical_batches_have_cosine_one_and_fewer_than_two_are_refused()
    {
        using var generator = new Generator(4);
        using var model = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 2 }, [5], 3, generator);
        using var scope = NewDisposeScope();
        var x = randn([16, 5], generator: generator);
        var y = randint(0, 3, [16], generator: generator);

        var stats = PaperProtocol.MeasureAllPairs(model, x, y, batches: 4, batchSize: 16, new Random(1), bins: 10);

        Assert.Equal(6, stats.Count);
        Assert.InRange(stats.Min, 1 - 1e-5, 1.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaperProtocol.MeasureAllPairs(model, x, y, batches: 1, batchSize: 4, new Random(1), bins: 10));
    }

    [Fact]
    public void A_kept_workspace_gives_the_same_statistics_as_a_fresh_matrix_and_grows_to_fit()
    {
        using var generator = new Generator(9);
        using var small = ModelFactory.Create(new ModelConfig { Width = 8, Depth = 1 }, [6], 4, generator);
        using var large = ModelFactory.Create(new ModelConfig { Width = 32, Depth = 2 }, [6], 4, generator);
        using var scope = NewDisposeScope();
        var x = randn([64, 6], generator: generator);
        var y = randint(0, 4, [64], generator: generator);
        using var workspace = new AllPairsWorkspace();

        foreach (var model in new[] { small, large, small })
        {
            var fresh = PaperProtocol.MeasureAllPairs(model, x, y, batches: 6, batchSize: 16, new Random(2), bins: 10);
            var kept = PaperProtocol.MeasureAllPairs(model, x, y, batches: 6, batchSize: 16, new Random(2), bins: 10, workspace: workspace);
            Assert.Equal(fresh.Min, kept.Min, 6);
            Assert.Equal(fresh.Mean, kept.Mean, 6);
            Assert.Equal(fresh.Histogram, kept.Histogram);
        }
    }
}
