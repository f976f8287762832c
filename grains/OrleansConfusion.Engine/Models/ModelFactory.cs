using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>Builds and initialises the network a <see cref="ModelConfig"/> describes.</summary>
public static class ModelFactory
{
    /// <param name="sampleShape">One input's shape: [C, H, W] for images, [D] for flat data.</param>
    public static nn.Module<Tensor, Tensor> Create(ModelConfig config, long[] sampleShape, int classes, Generator generator)
    {
        if (config.Architecture != Architecture.Mlp && sampleShape.Length != 3)
            throw new ArgumentException($"{ConfigValidator.Name(config.Architecture)} needs image input [C, H, W], got [{string.Join(", ", sampleShape)}]");
        nn.Module<Tensor, Tensor> model = config.Architecture switch
        {
            Architecture.Mlp => new Mlp(sampleShape.Aggregate(1L, (a, b) => a * b), config.Width, config.Depth, classes, config.Activation, config.Skip, config.Bias, config.BatchNorm),
            Architecture.Cnn => new PlainCnn(sampleShape, config.Width, config.Depth, classes, config.Activation, config.BatchNorm, config.Bias),
            Architecture.WideResNet => new WideResNet(sampleShape, config.Depth, config.Width, classes, config.Activation, config.BatchNorm, config.Skip, config.Bias),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Architecture, "unknown architecture"),
        };
        Initializer.Apply(model, config.Init, config.InitScale, generator);
        return model;
    }

    public static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>Layers that contribute to the per-sample Gram, in registration order.</summary>
    public static IReadOnlyList<IPerSampleGradientLayer> GramLayers(nn.Module model) =>
        model.modules().OfType<IPerSampleGradientLayer>().ToList();
}
