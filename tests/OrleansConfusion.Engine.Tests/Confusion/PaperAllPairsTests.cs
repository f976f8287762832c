using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Confusion;

/// <summary>
/// The all-pairs paper protocol against block means of the per-sample oracle, held whole or in blocks, with many
/// mini-batches per pass (MLPs) or one pass each (convolutions, or a zero activation budget).
/// </summary>
public sealed class PaperAllPairsTests
{
    public static TheoryData<string, bool, bool, long> OracleCases => new()
    {
        // architecture, batch norm, skip, activation budget (bytes; 0 = one pass per batch, 1 = one batch per recorded pass)
        { "mlp", false, false, PaperProtocol.DefaultActivationBudgetBytes },
        { "mlp", true, false, PaperProtocol.DefaultActivationBudgetBytes },
        { "mlp", false, true, PaperProtocol.DefaultActivationBudgetBytes },
        { "mlp", true, true, PaperProtocol.DefaultActivationBudgetBytes },
        { "mlp", true, true, 1 },
        { "mlp", true, true, 0 },
        { "cnn", true, false, PaperProtocol.DefaultActivationBudgetBytes },
    };

    /// <summary>
    /// Each case against the oracle, on batches of equal size (a sample may sit in two of them, as independent draws
    /// allow) and, for batch norm, running statistics that are not the identity.
    /// </summary>
    [Theory]
    [MemberData(nameof(OracleCases))]
    public void Every_architecture_and_pass_shape_matches_the_per_sample_oracle(string architecture, bool batchNorm, bool skip, long activationBudget)
    {
        using var generator = new Generator(21);
        var config = new ModelConfig
        {
            Architecture = architecture == "mlp" ? Architecture.Mlp : Architecture.Cnn,
            Width = architecture == "mlp" ? 12 : 1,
            Depth = 3,
            BatchNorm = batchNorm,
            Skip = skip,
            Activation = Activation.Tanh,
        };
        long[] shape = architecture == "mlp" ? [7] : [2, 6, 6];
        using var model = ModelFactory.Create(config, shape, 4, generator);
        using var scope = NewDisposeScope();
        var x = randn([12, .. shape], generator: generator);
        var y = randint(0, 4, [12], generator: generator);
        if (batchNorm)
        {
            using var noGrad = no_grad();
            model.train();
            model.call(x.mul(2).add(0.5)).Dispose();
        }
        model.train();
        long[][] draws = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [3, 7, 11, 0], [1, 1, 5, 9], [2, 6, 10, 4]];

        var stats = PaperProtocol.MeasureAllPairs(model, x, y, draws, bins: 10, activationBudgetBytes: activationBudget);

        var oracle = OracleStatistics(model, x, y, draws, 10);
        Assert.True(model.training, "the model is back in train mode");
        Assert.Equal(15, stats.Count);
        Assert.Equal(oracle.Min, stats.Min, 1e-5);
        Assert.Equal(oracle.Median, stats.Median, 1e-5);
        Assert.Equal(oracle.Mean, stats.Mean, 1e-5);
        Assert.Equal(oracle.Histogram, stats.Histogram);
    }

    /// <summary>
    /// Recorded passes write every entry of their rows (a matmul that ignores what was there): a workspace full of
    /// NaN gives the same statistics as a fresh matrix, whole and in blocks.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_workspace_full_of_nan_gives_the_statistics_of_a_fresh_matrix(bool blocks)
    {
        using var generator = new Generator(8);
        using var model = ModelFactory.Create(new ModelConfig { Width = 16, Depth = 2, BatchNorm = true, Skip = true }, [6], 4, generator);
        using var scope = NewDisposeScope();
        var x = randn([64, 6], generator: generator);
        var y = randint(0, 4, [64], generator: generator);
        long p = ModelFactory.ParameterCount(model);
        long budget = blocks ? 3 * p * sizeof(float) : PaperProtocol.DefaultGradientBudgetBytes;
        using var workspace = new AllPairsWorkspace();
        workspace.Rows(10, p, x.device).fill_(double.NaN);

        var fresh = PaperProtocol.MeasureAllPairs(model, x, y, batches: 10, batchSize: 8, new Random(4), bins: 10, gradientBudgetBytes: budget);
        var kept = PaperProtocol.MeasureAllPairs(model, x, y, batches: 10, batchSize: 8, new Random(4), bins: 10, gradientBudgetBytes: budget, workspace: workspace);

        Assert.True(double.IsFinite(kept.Mean));
        Assert.Equal(fresh.Min, kept.Min, 1e-6);
        Assert.Equal(fresh.Mean, kept.Mean, 1e-6);
        Assert.Equal(fresh.Histogram, kept.Histogram);
    }

    [Fact]
    public void A_workspace_keeps_its_buffer_between_measurements_on_one_device()
    {
        using var workspace = new AllPairsWorkspace();
        using var scope = NewDisposeScope();
        var device = zeros(1).device;
        workspace.Rows(4, 10, device).fill_(7);

        var again = workspace.Rows(2, 10, zeros(1).device);

        Assert.Equal(7, again[1, 9].ToSingle());
    }

    /// <summary>⟨ḡ_I, ḡ_J⟩ = Σ_{i∈I, j∈J} G_ij / (|I||J|) from M single-sample backward passes: an independent path.</summary>
    static CosineStatistics OracleStatistics(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, long[][] draws, int bins)
    {
        var gram = PerSampleGram.Oracle(model, x, y);
        double Inner(long[] a, long[] b) => a.Sum(i => b.Sum(j => gram[i, j])) / (a.Length * b.Length);
        var expected = new List<double>();
        for (int i = 0; i < draws.Length; i++)
        for (int j = i + 1; j < draws.Length; j++)
            expected.Add(Inner(draws[i], draws[j]) / Math.Sqrt(Inner(draws[i], draws[i]) * Inner(draws[j], draws[j])));
        return CosineStatistics.From(expected, bins);
    }

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

        var oracle = OracleStatistics(model, x, y, draws, 10);

        Assert.Equal(10, stats.Count);
        Assert.Equal(oracle.Min, stats.Min, 1e-5);
        Assert.Equal(oracle.P05, stats.P05, 1e-5);
        Assert.Equal(oracle.Median, stats.Median, 1e-5);
        Assert.Equal(oracle.Mean, stats.Mean, 1e-5);
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
        // Row blocks recompute the gradients in float32 GEMMs of other shapes, which round differently (by 6.5e-8 here under
        // MKL_CBWR=COMPATIBLE with ATen's generic kernels): a tolerance of 1e-6, not a comparison rounded to 6 decimals,
        // which fails whenever the two values straddle a rounding boundary.
        Assert.Equal(whole.Min, blocked.Min, 1e-6);
        Assert.Equal(whole.Median, blocked.Median, 1e-6);
        Assert.Equal(whole.Mean, blocked.Mean, 1e-6);
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
            Assert.Equal(fresh.Min, kept.Min, 1e-6);
            Assert.Equal(fresh.Mean, kept.Mean, 1e-6);
            Assert.Equal(fresh.Histogram, kept.Histogram);
        }
    }
}
