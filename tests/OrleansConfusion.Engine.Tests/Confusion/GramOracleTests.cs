using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Confusion;

/// <summary>
/// The layer-wise Gram must equal the per-sample autograd loop on every architecture, entry by entry to the
/// README's 1e-4 relative error, and so must the η it reports (see <see cref="AssertClose"/>).
/// </summary>
public sealed class GramOracleTests
{
    const double Tolerance = 1e-4;

    /// <summary>The cosine below which an entry is compared at its natural scale, √(G_ii G_jj), not at its own magnitude.</summary>
    const double Floor = 0.1;

    public static TheoryData<string, bool, bool, bool> Cases => new()
    {
        // architecture, bias, batch norm, skip
        { "mlp", true, false, false },
        { "mlp", false, false, true },
        { "mlp", true, true, false },
        { "mlp", false, true, false },
        { "mlp", true, true, true },
        { "cnn", true, false, false },
        { "cnn", false, true, false },
        { "wrn", true, true, true },
        { "wrn", false, false, true },
        { "wrn", true, true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GramMatchesPerSampleLoop(string architecture, bool bias, bool batchNorm, bool skip)
    {
        var config = new ModelConfig
        {
            Architecture = architecture switch { "mlp" => Architecture.Mlp, "cnn" => Architecture.Cnn, _ => Architecture.WideResNet },
            Width = architecture == "mlp" ? 16 : 1,
            Depth = architecture switch { "mlp" => 3, "cnn" => 3, _ => 10 },
            Bias = bias,
            BatchNorm = batchNorm,
            Skip = skip,
            Activation = Activation.Tanh,
        };
        using var generator = new Generator(7);
        long[] shape = architecture == "mlp" ? [12] : [2, 8, 8];
        using var model = ModelFactory.Create(config, shape, 5, generator);
        using var scope = NewDisposeScope();
        var x = randn([9, .. shape], generator: generator);
        var y = randint(0, 5, [9], generator: generator);
        if (batchNorm) WarmUpRunningStatistics(model, x);

        var gram = PerSampleGram.Compute(model, x, y);
        var oracle = PerSampleGram.Oracle(model, x, y);

        AssertClose(oracle, gram);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConvGhostAndMaterialisedFormsAgree(bool ghost)
    {
        using var generator = new Generator(3);
        using var model = ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn, Width = 1, Depth = 2 }, [1, 6, 6], 4, generator);
        foreach (var conv in model.modules().OfType<ProbedConv2d>()) conv.ForceGhost = ghost;
        using var scope = NewDisposeScope();
        var x = randn([6, 1, 6, 6], generator: generator);
        var y = randint(0, 4, [6], generator: generator);
        AssertClose(PerSampleGram.Oracle(model, x, y), PerSampleGram.Compute(model, x, y));
    }

    static void WarmUpRunningStatistics(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var noGrad = no_grad();
        model.train();
        model.call(x).Dispose();
        model.eval();
    }

    /// <summary>
    /// Entry by entry, and η itself: |G_ij − O_ij| ≤ 1e-4 · max(|O_ij|, <see cref="Floor"/> · √(O_ii O_jj)).
    /// √(O_ii O_jj) = |g_i| |g_j| is G_ij's natural scale (Cauchy–Schwarz bounds |G_ij| by it), and float32
    /// roundoff in either computation is a fraction of it, not of |G_ij|: an entry whose cosine is near 0
    /// carries that roundoff whole, so its own magnitude cannot be the scale. Below a cosine of
    /// <see cref="Floor"/> an entry is held to 1e-5 of its natural scale (roundoff measured here: at most
    /// 2.5e-7 of it); above, to 1e-4 of itself. Never to the largest diagonal entry, which would excuse errors
    /// in the small negative off-diagonal entries that set η.
    /// </summary>
    static void AssertClose(double[,] expected, double[,] actual)
    {
        int m = expected.GetLength(0);
        Assert.Equal(m, actual.GetLength(0));
        double Natural(int i, int j) => Math.Sqrt(expected[i, i] * expected[j, j]);
        double Error(double e, double a, double natural) => Math.Abs(a - e) / Math.Max(Math.Abs(e), Floor * natural);
        for (int i = 0; i < m; i++)
        {
            Assert.True(expected[i, i] > 0, $"sample {i} has a zero oracle gradient: its entries would prove nothing");
            for (int j = 0; j < m; j++)
            {
                double error = Error(expected[i, j], actual[i, j], Natural(i, j));
                Assert.True(error <= Tolerance,
                    $"G[{i},{j}] = {actual[i, j]:E6}, oracle {expected[i, j]:E6} (cosine {expected[i, j] / Natural(i, j):F4}): relative error {error:E2} > {Tolerance:E0}");
            }
        }

        // η = −min_{i≠j} G_ij (0 when no pair is negative), written here from its definition, against the production statistics.
        var (pi, pj) = (0, 1);
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                if (expected[i, j] < expected[pi, pj]) (pi, pj) = (i, j);
        double eta = Math.Max(0, -expected[pi, pj]);
        // A case with no negative pair would compare 0 with 0.
        Assert.True(eta > 0, "the oracle has no negative pair: η would prove nothing");
        double etaActual = PerSampleStatistics.FromGram(actual, 10).Eta;
        double etaError = Error(eta, etaActual, Natural(pi, pj));
        Assert.True(etaError <= Tolerance, $"η = {etaActual:E6}, oracle {eta:E6} (pair {pi},{pj}): relative error {etaError:E2} > {Tolerance:E0}");
    }
}
