using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Models;

public sealed class InitializerTests
{
    [Theory]
    [InlineData(InitScheme.Gaussian, 0.05)]
    [InlineData(InitScheme.LeCunNormal, 1.0)]
    [InlineData(InitScheme.HeNormal, 1.0)]
    [InlineData(InitScheme.GlorotNormal, 1.0)]
    [InlineData(InitScheme.GlorotUniform, 1.0)]
    [InlineData(InitScheme.Orthogonal, 1.0)]
    public void EmpiricalStdMatchesTarget(InitScheme scheme, double scale)
    {
        using var generator = new Generator(11);
        using var model = ModelFactory.Create(new ModelConfig { Width = 400, Depth = 2, Init = scheme, InitScale = scale }, [300], 10, generator);
        foreach (var layer in model.modules().OfType<ProbedLinear>().Where(l => l.Weight.shape[0] >= 300))
        {
            var (fanIn, fanOut) = Initializer.Fans(layer.Weight);
            double target = Initializer.TargetStd(scheme, scale, fanIn, fanOut);
            double actual = layer.Weight.std().ToDouble();
            Assert.InRange(actual, target * 0.97, target * 1.03);
            Assert.Equal(0.0, layer.Bias!.abs().max().ToDouble());
        }
    }

    [Fact]
    public void OrthogonalWeightsHaveOrthonormalColumnsOrRows()
    {
        using var generator = new Generator(5);
        using var model = ModelFactory.Create(new ModelConfig { Width = 32, Depth = 3, Init = InitScheme.Orthogonal, InitScale = 2.0 }, [20], 10, generator);
        using var scope = NewDisposeScope();
        foreach (var layer in model.modules().OfType<ProbedLinear>())
        {
            var w = layer.Weight.detach() / 2.0;
            var gram = w.shape[0] >= w.shape[1] ? w.t().matmul(w) : w.matmul(w.t());
            var identity = eye(gram.shape[0]);
            Assert.True(gram.sub(identity).abs().max().ToDouble() < 1e-5, $"{layer.GetName()}: QᵀQ is not I");
        }
    }

    [Fact]
    public void ConvWeightsUseReceptiveFieldFans()
    {
        using var generator = new Generator(2);
        using var model = ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn, Width = 8, Depth = 2, Init = InitScheme.HeNormal }, [1, 8, 8], 10, generator);
        var conv = model.modules().OfType<ProbedConv2d>().Last();
        var (fanIn, _) = Initializer.Fans(conv.Weight);
        Assert.Equal(64 * 9, fanIn);
        Assert.InRange(conv.Weight.std().ToDouble(), Math.Sqrt(2.0 / fanIn) * 0.93, Math.Sqrt(2.0 / fanIn) * 1.07);
    }
}
