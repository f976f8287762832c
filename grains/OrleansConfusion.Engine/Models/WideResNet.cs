using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// Wide ResNet WRN-d-k (Zagoruyko &amp; Komodakis), as in the paper: depth d = 6n+4, three groups of n
/// blocks with 16k, 32k and 64k channels at strides 1, 2, 2, then [BN]→φ→global pool→linear.
/// </summary>
public sealed class WideResNet : nn.Module<Tensor, Tensor>
{
    private readonly ProbedConv2d stem;
    private readonly ModuleList<WideResNetBlock> blocks;
    private readonly ProbedBatchNorm2d? finalNorm;
    private readonly ProbedLinear head;
    private readonly Activation _activation;

    public WideResNet(long[] sampleShape, int depth, int widthFactor, int classes, Activation activation, bool batchNorm, bool skip, bool bias)
        : base("wrn")
    {
        _activation = activation;
        int n = (depth - 4) / 6;
        long[] widths = [16 * widthFactor, 32 * widthFactor, 64 * widthFactor];
        stem = new ProbedConv2d(sampleShape[0], 16, 3, 1, 1, bias, "stem");
        blocks = new ModuleList<WideResNetBlock>();
        long inChannels = 16;
        for (int g = 0; g < 3; g++)
        {
            for (int b = 0; b < n; b++)
            {
                long stride = b == 0 && g > 0 ? 2 : 1;
                blocks.Add(new WideResNetBlock(inChannels, widths[g], stride, activation, batchNorm, skip, bias, $"group{g}_block{b}"));
                inChannels = widths[g];
            }
        }
        if (batchNorm) finalNorm = new ProbedBatchNorm2d(inChannels, "final_bn");
        head = new ProbedLinear(inChannels, classes, bias, "head");
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var h = stem.call(input);
        foreach (var block in blocks) h = block.call(h);
        h = ActivationFunctions.Apply(_activation, finalNorm is null ? h : finalNorm.call(h));
        return head.call(h.mean([2, 3]));
    }
}
