using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Pre-activation wide-ResNet block: [BN]→φ→conv3×3→[BN]→φ→conv3×3, plus the shortcut when skip is on
/// (identity, or a 1×1 conv when the shape changes). Batch norm and skip switch independently (F4).
/// </summary>
public sealed class WideResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly ProbedBatchNorm2d? bn1;
    private readonly ProbedBatchNorm2d? bn2;
    private readonly ProbedConv2d conv1;
    private readonly ProbedConv2d conv2;
    private readonly ProbedConv2d? shortcut;
    private readonly Activation _activation;
    private readonly bool _skip;

    public WideResNetBlock(long inChannels, long outChannels, long stride, Activation activation, bool batchNorm, bool skip, bool bias, string name)
        : base(name)
    {
        _activation = activation;
        _skip = skip;
        if (batchNorm)
        {
            bn1 = new ProbedBatchNorm2d(inChannels, "bn1");
            bn2 = new ProbedBatchNorm2d(outChannels, "bn2");
        }
        conv1 = new ProbedConv2d(inChannels, outChannels, 3, stride, 1, bias, "conv1");
        conv2 = new ProbedConv2d(outChannels, outChannels, 3, 1, 1, bias, "conv2");
        if (skip && (inChannels != outChannels || stride != 1))
            shortcut = new ProbedConv2d(inChannels, outChannels, 1, stride, 0, bias, "shortcut");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var o = ActivationFunctions.Apply(_activation, bn1 is null ? input : bn1.call(input));
        var y = conv1.call(o);
        y = conv2.call(ActivationFunctions.Apply(_activation, bn2 is null ? y : bn2.call(y)));
        if (!_skip) return y;
        return y.add(shortcut is null ? input : shortcut.call(o));
    }
}
