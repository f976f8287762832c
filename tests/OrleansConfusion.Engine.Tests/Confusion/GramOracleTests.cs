using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Confusion;

/// <summary>The layer-wise Gram must equal the per-sample autograd loop on every architecture.</summary>
public sealed class GramOracleTests
{
    const double Tolerance = 1e-4;

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

    static void AssertClose(double[,] expected, double[,] actual)
    {
        double scale = 0, worst = 0;
        foreach (double v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                worst = Math.Max(worst, Math.Abs(expected[i, j] - actual[i, j]));
        Assert.True(scale > 0, "oracle Gram is all zero: the test would prove nothing");
        Assert.True(worst / scale < Tolerance, $"max |G - oracle| / max|oracle| = {worst / scale:E2}");
    }
}
