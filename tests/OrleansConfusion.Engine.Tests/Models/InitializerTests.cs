using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Models;

/// <summary>
/// Each init scheme against its published formula, written out here rather than read from the production
/// <see cref="Initializer"/> (a wrong formula there would otherwise be its own expectation):
/// LeCun normal σ = √(1/fan_in), He normal σ = √(2/fan_in), Glorot normal σ = √(2/(fan_in + fan_out)),
/// Glorot uniform on ±√(6/(fan_in + fan_out)), Gaussian σ = init_scale, orthogonal WᵀW or WWᵀ = gain²·I with
/// gain = init_scale. A linear weight (out × in) has fan_in = in and fan_out = out; a conv weight
/// (out × in × kh × kw) has fan_in = in·kh·kw and fan_out = out·kh·kw.
/// </summary>
public sealed class InitializerTests
{
    /// <summary>The expected σ of a normal scheme (for Glorot uniform, σ of the uniform on ±bound: bound/√3).</summary>
    static double ExpectedStd(InitScheme scheme, double scale, long fanIn, long fanOut) => scheme switch
    {
        InitScheme.Gaussian => scale,
        InitScheme.LeCunNormal => Math.Sqrt(1.0 / fanIn),
        InitScheme.HeNormal => Math.Sqrt(2.0 / fanIn),
        InitScheme.GlorotNormal => Math.Sqrt(2.0 / (fanIn + fanOut)),
        InitScheme.GlorotUniform => Math.Sqrt(6.0 / (fanIn + fanOut)) / Math.Sqrt(3),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };

    /// <summary>Fans written from the weight's shape (see the class comment), not from <see cref="Initializer.Fans"/>.</summary>
    static (long FanIn, long FanOut) Fans(Tensor weight) => weight.dim() switch
    {
        2 => (weight.shape[1], weight.shape[0]),
        4 => (weight.shape[1] * weight.shape[2] * weight.shape[3], weight.shape[0] * weight.shape[2] * weight.shape[3]),
        _ => throw new ArgumentException($"unexpected weight rank {weight.dim()}"),
    };

    public static TheoryData<InitScheme, double> Schemes => new()
    {
        { InitScheme.Gaussian, 0.05 },
        { InitScheme.Gaussian, 0.3 },
        { InitScheme.LeCunNormal, 1.0 },
        { InitScheme.HeNormal, 1.0 },
        { InitScheme.GlorotNormal, 1.0 },
        { InitScheme.GlorotUniform, 1.0 },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void LinearWeightsFollowTheFormula(InitScheme scheme, double scale)
    {
        // 300 inputs, 600 hidden units, 10 classes: no layer is square, so formulas that confuse fan_in, fan_out
        // and their mean give different σ on every layer (LeCun and Glorot differ by 20% on the first).
        using var generator = new Generator(11);
        using var model = ModelFactory.Create(new ModelConfig { Width = 600, Depth = 1, Init = scheme, InitScale = scale }, [300], 10, generator);
        var layers = model.modules().OfType<ProbedLinear>().ToList();
        Assert.Equal(["10x600", "600x300"], Shapes(layers.Select(l => l.Weight)));
        foreach (var layer in layers)
        {
            var (fanIn, fanOut) = Fans(layer.Weight);
            AssertDrawnFrom(layer.Weight, scheme, ExpectedStd(scheme, scale, fanIn, fanOut), layer.GetName());
            Assert.Equal(0.0, layer.Bias!.abs().max().ToDouble());
        }
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void ConvWeightsFollowTheFormulaWithReceptiveFieldFans(InitScheme scheme, double scale)
    {
        // Width 8 gives 64 channels of 3×3: conv0 has fan_in 3·9 = 27 and fan_out 64·9 = 576, conv1 576 and 576.
        using var generator = new Generator(2);
        using var model = ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn, Width = 8, Depth = 2, Init = scheme, InitScale = scale }, [3, 8, 8], 10, generator);
        var convs = model.modules().OfType<ProbedConv2d>().ToList();
        Assert.Equal(["64x3x3x3", "64x64x3x3"], Shapes(convs.Select(c => c.Weight)));
        foreach (var conv in convs)
        {
            var (fanIn, fanOut) = Fans(conv.Weight);
            Assert.Equal(conv.Weight.shape[1] == 3 ? 3 * 9 : 64 * 9, fanIn);
            Assert.Equal(64 * 9, fanOut);
            AssertDrawnFrom(conv.Weight, scheme, ExpectedStd(scheme, scale, fanIn, fanOut), conv.GetName());
        }
    }

    /// <summary>The weights' shapes as "out x in [x kh x kw]", sorted: registration order is the model's business.</summary>
    static string[] Shapes(IEnumerable<Tensor> weights) => weights.Select(w => string.Join('x', w.shape)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// σ within 5 standard errors of the estimate (√(1/(2n)) relative; 180,000 draws give 1.2%, 1,728 give 8.5%), a
    /// mean of 0, and the shape of the distribution: a normal puts 68.3% of its draws within 1σ, a uniform 57.7%,
    /// and a uniform stays inside its bound with half its draws within half of it.
    /// </summary>
    static void AssertDrawnFrom(Tensor weight, InitScheme scheme, double sigma, string what)
    {
        using var scope = NewDisposeScope();
        var w = weight.detach().flatten().to_type(float64);
        long n = w.numel();
        double std = w.std().ToDouble(), mean = w.mean().ToDouble();
        double relative = 5 / Math.Sqrt(2.0 * n);
        Assert.True(Math.Abs(std / sigma - 1) <= relative, $"{what}: σ = {std:G4}, expected {sigma:G4} (±{relative:P1})");
        Assert.True(Math.Abs(mean) <= 5 * sigma / Math.Sqrt(n), $"{what}: mean {mean:G3}, expected 0 (σ {sigma:G4})");
        double Fraction(Tensor inside) => inside.to_type(float64).mean().ToDouble();
        double Band(double p) => 5 * Math.Sqrt(p * (1 - p) / n);
        double withinSigma = Fraction(w.abs().le(sigma));
        if (scheme == InitScheme.GlorotUniform)
        {
            double bound = sigma * Math.Sqrt(3);
            Assert.True(w.abs().max().ToDouble() <= bound, $"{what}: a draw lies outside ±{bound:G4}");
            double withinHalf = Fraction(w.abs().le(bound / 2));
            Assert.True(Math.Abs(withinHalf - 0.5) <= Band(0.5), $"{what}: {withinHalf:P1} of the draws within half the bound, expected 50% of a uniform");
            Assert.True(Math.Abs(withinSigma - 1 / Math.Sqrt(3)) <= Band(0.577), $"{what}: {withinSigma:P1} within 1σ, expected 57.7% of a uniform");
        }
        else
        {
            Assert.True(Math.Abs(withinSigma - 0.6827) <= Band(0.6827), $"{what}: {withinSigma:P1} within 1σ, expected 68.3% of a normal");
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void OrthogonalWeightsAreGainTimesOrthonormalRowsOrColumns(double gain)
    {
        // Tall (32×20 input layer), square (32×32) and wide (10×32 output) linear weights, and conv weights flattened
        // to out × (in·kh·kw): 64×27 (tall) and 64×576 (wide).
        using var generator = new Generator(5);
        using var mlp = ModelFactory.Create(new ModelConfig { Width = 32, Depth = 2, Init = InitScheme.Orthogonal, InitScale = gain }, [20], 10, generator);
        using var cnn = ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn, Width = 8, Depth = 2, Init = InitScheme.Orthogonal, InitScale = gain }, [3, 8, 8], 10, generator);
        using var scope = NewDisposeScope();
        var weights = mlp.modules().OfType<ProbedLinear>().Select(l => l.Weight.detach())
            .Concat(cnn.modules().OfType<ProbedConv2d>().Select(c => c.Weight.detach().flatten(1)))
            .Select(w => w.to_type(float64)).ToList();
        Assert.Equal(["10x32", "32x20", "32x32", "64x27", "64x576"], Shapes(weights));
        foreach (var w in weights)
        {
            // The smaller of WᵀW and WWᵀ: orthonormal columns (tall) or rows (wide), times gain².
            var gram = w.shape[0] >= w.shape[1] ? w.t().matmul(w) : w.matmul(w.t());
            var expected = eye(gram.shape[0], dtype: float64).mul(gain * gain);
            double error = gram.sub(expected).abs().max().ToDouble();
            Assert.True(error <= 1e-5 * gain * gain, $"{w.shape[0]}×{w.shape[1]}: max |WᵀW − gain²·I| = {error:E2}");
        }
    }
}
