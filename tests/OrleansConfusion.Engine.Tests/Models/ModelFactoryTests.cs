using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Models;

public sealed class ModelFactoryTests
{
    [Theory]
    [InlineData(16, 1)]
    [InlineData(64, 3)]
    [InlineData(256, 4)]
    public void MlpParameterCountFollowsWidthAndDepth(int width, int depth)
    {
        using var generator = new Generator(1);
        using var model = ModelFactory.Create(new ModelConfig { Width = width, Depth = depth }, [1, 28, 28], 10, generator);
        long expected = (784L * width + width) + (depth - 1L) * (width * width + width) + (width * 10L + 10);
        Assert.Equal(expected, ModelFactory.ParameterCount(model));
    }

    [Theory]
    [InlineData(10, 1, false, false)]
    [InlineData(16, 2, true, true)]
    [InlineData(10, 2, true, false)]
    public void WideResNetRunsAndWidensWithK(int depth, int k, bool batchNorm, bool skip)
    {
        using var generator = new Generator(1);
        using var model = ModelFactory.Create(new ModelConfig { Architecture = Architecture.WideResNet, Width = k, Depth = depth, BatchNorm = batchNorm, Skip = skip }, [3, 16, 16], 10, generator);
        using var scope = NewDisposeScope();
        var logits = model.call(randn([2, 3, 16, 16], generator: generator));
        Assert.Equal([2L, 10L], logits.shape);
        int convs = model.modules().OfType<ProbedConv2d>().Count(c => c.GetName() != "shortcut");
        Assert.Equal(depth - 3, convs); // stem + 2 per block (6n) ; depth = 6n + 4
    }

    [Theory]
    [InlineData(Architecture.WideResNet, 12, 1, "6n+4")]
    [InlineData(Architecture.Mlp, 0, 8, "depth must be >= 1")]
    [InlineData(Architecture.Mlp, 2, 0, "width must be >= 1")]
    public void InvalidCombinationsAreRejectedWithWhatIsAllowed(Architecture architecture, int depth, int width, string message)
    {
        var errors = ConfigValidator.Validate(new TrialConfig
        {
            Dataset = new DatasetConfig { Name = "fashion-mnist" },
            Model = new ModelConfig { Architecture = architecture, Depth = depth, Width = width },
        });
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ConvolutionalModelsNeedImages()
    {
        var errors = ConfigValidator.Validate(new TrialConfig { Model = new ModelConfig { Architecture = Architecture.Cnn } });
        Assert.Contains(errors, e => e.Contains("needs image data", StringComparison.Ordinal));
    }
}
